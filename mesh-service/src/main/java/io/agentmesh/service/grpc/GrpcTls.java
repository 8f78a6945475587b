package io.agentmesh.service.grpc;

import io.agentmesh.service.tls.TlsMaterial;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;

/** The gRPC server's TLS context from the node's PEM material (ALPN h2; client certificates when a client CA is set). */
final class GrpcTls {

    private GrpcTls() {
    }

    static SslContext serverContext(TlsMaterial tls) {
        SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forServer(tls.key(), tls.chain()));
        if (tls.clientCertificates()) {
            b.trustManager(tls.clientCas()).clientAuth(tls.needClientAuth() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        try {
            return b.build();
        } catch (SSLException e) {
            throw new IllegalStateException("TLS: cannot build the gRPC server's context: " + e.getMessage(), e);
        }
    }
}
