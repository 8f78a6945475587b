package io.agentmesh.service.grpc;

import io.dropwizard.lifecycle.Managed;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** The gRPC server: mesh services, grpc.health.v1 and server reflection. */
public final class GrpcServer implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.grpc");

    private final String host;
    private final int port;
    private final int maxMessageBytes;
    private final List<BindableService> services;
    private final ExecutorService streamThreads;
    private ExecutorService callThreads;
    private final HealthStatusManager health = new HealthStatusManager();
    private Server server;

    private final io.agentmesh.service.config.GrpcSettings settings;

    private final ServerInterceptor access;
    private final ServerInterceptor callMetrics;
    private final io.agentmesh.service.tls.TlsMaterial tls;

    /** {@code tls} null: plaintext (h2c). {@code callMetrics} sees every call, refused ones too. */
    public GrpcServer(io.agentmesh.service.config.GrpcSettings settings, int maxMessageBytes, List<BindableService> services,
                      ExecutorService streamThreads, ServerInterceptor access, ServerInterceptor callMetrics,
                      io.agentmesh.service.tls.TlsMaterial tls) {
        this.settings = settings;
        this.callMetrics = callMetrics;
        this.tls = tls;
        this.access = access;
        this.host = settings.getBindHost();
        this.port = settings.getPort();
        this.maxMessageBytes = maxMessageBytes;
        this.services = services;
        this.streamThreads = streamThreads;
    }

    @Override
    public void start() throws Exception {
        // calls run on a bounded pool, not grpc-java's default unbounded one
        callThreads = io.agentmesh.service.common.BoundedThreads.queued("grpc-call-" + port, settings.getMaxThreads(),
                settings.getMaxQueuedCalls());
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .executor(callThreads)
                .maxInboundMessageSize(maxMessageBytes)
                .keepAliveTime(settings.getKeepAliveTime().toMilliseconds(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(settings.getKeepAliveTimeout().toMilliseconds(), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(settings.getPermitKeepAliveTime().toMilliseconds(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConnectionIdle(settings.getMaxConnectionIdle().toMilliseconds(), TimeUnit.MILLISECONDS);
        if (tls != null) {
            b.sslContext(GrpcTls.serverContext(tls));
        }
        PeerInterceptor peers = new PeerInterceptor();
        List<ServerServiceDefinition> definitions = new ArrayList<>();
        definitions.add(health.getHealthService().bindService());
        definitions.add(ProtoReflectionServiceV1.newInstance().bindService());
        // the older v1alpha name, which grpcurl and many tools still ask for first
        @SuppressWarnings("deprecation")
        BindableService v1alpha = io.grpc.protobuf.services.ProtoReflectionService.newInstance();
        definitions.add(v1alpha.bindService());
        services.forEach(svc -> definitions.add(svc.bindService()));
        GrpcAccess.requireRules(definitions);
        // interceptors run last-added first: the peer address is known before access is decided, and
        // the call is counted whatever access decides
        definitions.forEach(d -> b.addService(ServerInterceptors.intercept(d, access, peers, callMetrics)));
        server = b.build().start();
        health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
        services.forEach(s -> health.setStatus(s.bindService().getServiceDescriptor().getName(),
                HealthCheckResponse.ServingStatus.SERVING));
        LOG.info("gRPC listening on {}:{}{}", host, port(), tls == null ? "" : " (TLS)");
    }

    /** Serving or NOT_SERVING on grpc.health.v1 for the whole server and each service (drain). */
    public void setServing(boolean serving) {
        HealthCheckResponse.ServingStatus status = serving ? HealthCheckResponse.ServingStatus.SERVING
                : HealthCheckResponse.ServingStatus.NOT_SERVING;
        health.setStatus("", status);
        services.forEach(svc -> health.setStatus(svc.bindService().getServiceDescriptor().getName(), status));
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void stop() throws Exception {
        health.enterTerminalState();
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            // cancels open Subscribe streams; their cancel handlers wake and close the inbox consumers
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        streamThreads.shutdown();
        if (!streamThreads.awaitTermination(5, TimeUnit.SECONDS)) {
            streamThreads.shutdownNow();
        }
        if (callThreads != null) {
            callThreads.shutdown();
            if (!callThreads.awaitTermination(5, TimeUnit.SECONDS)) {
                callThreads.shutdownNow();
            }
        }
    }
}
