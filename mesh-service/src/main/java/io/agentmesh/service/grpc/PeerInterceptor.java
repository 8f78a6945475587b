package io.agentmesh.service.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import java.net.SocketAddress;

/** Puts the caller's address in the call's context, for the connection listing. */
final class PeerInterceptor implements ServerInterceptor {

    static final Context.Key<String> PEER = Context.key("mesh-peer");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        Context ctx = Context.current().withValue(PEER, remote == null ? "unknown" : remote.toString());
        return Contexts.interceptCall(ctx, call, headers, next);
    }
}
