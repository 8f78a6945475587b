package io.agentmesh.service.grpc;

import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.AccessRules;
import io.agentmesh.service.auth.AuditLog;
import io.agentmesh.service.auth.AuthMetrics;
import io.agentmesh.service.auth.Authenticator;
import io.agentmesh.service.auth.Callers;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Authentication and the rule table of every RPC the node serves. The caller comes from the
 * {@code authorization} metadata ({@code Bearer <token>}); missing or bad is UNAUTHENTICATED, a
 * known caller without the right PERMISSION_DENIED. Rules that name an agent ("self") are checked
 * again by the service once it has read the request's agent id ({@link #requireAllowed}).
 */
public final class GrpcAccess implements ServerInterceptor {

    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<MeshPrincipal> CALLER = Context.key("mesh-caller");

    /** Every RPC of the node and who may call it. */
    public static final Map<String, Access> RULES = Map.ofEntries(
            Map.entry(MeshServiceGrpc.getRegisterMethod().getFullMethodName(), Access.REGISTER),
            Map.entry(MeshServiceGrpc.getHeartbeatMethod().getFullMethodName(), Access.SELF_OR_OPERATOR),
            Map.entry(MeshServiceGrpc.getSendMethod().getFullMethodName(), Access.SEND),
            Map.entry(MeshServiceGrpc.getSendBatchMethod().getFullMethodName(), Access.SEND),
            Map.entry(MeshServiceGrpc.getSendStreamMethod().getFullMethodName(), Access.SEND),
            Map.entry(MeshServiceGrpc.getRequestMethod().getFullMethodName(), Access.SEND),
            Map.entry(MeshServiceGrpc.getSubscribeMethod().getFullMethodName(), Access.SELF_OR_OPERATOR),
            Map.entry(MeshServiceGrpc.getAckMethod().getFullMethodName(), Access.SELF_OR_OPERATOR),
            Map.entry(MeshServiceGrpc.getConnectMethod().getFullMethodName(), Access.SELF_OR_OPERATOR),
            Map.entry(MeshServiceGrpc.getUpdateA2aTaskMethod().getFullMethodName(), Access.SEND),
            Map.entry("grpc.health.v1.Health/Check", Access.PUBLIC),
            Map.entry("grpc.health.v1.Health/Watch", Access.PUBLIC),
            Map.entry("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", Access.AUTHENTICATED),
            Map.entry("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", Access.AUTHENTICATED));

    private final Authenticator authenticator;
    private final AuditLog audit;
    private final AuthMetrics metrics;

    public GrpcAccess(Authenticator authenticator, AuditLog audit, AuthMetrics metrics) {
        this.authenticator = authenticator;
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Access access = RULES.get(method);
        Authenticator.Outcome outcome = authenticator.authenticate(headers.get(AUTHORIZATION), clientCertificate(call));
        MeshPrincipal caller = outcome.caller();
        MeshException refusal = access == null
                ? new MeshException(ErrorCode.FORBIDDEN, "no access rule for " + method)
                : refusal(AccessRules.decide(access, caller, caller != null && caller.isAgent() ? caller.name() : null),
                access, caller, outcome.problem(), method);
        if (refusal != null) {
            deny(caller, method, null, refusal);
            call.close(Status.fromCode(refusal.code().grpcCode()).withDescription(refusal.getMessage()),
                    GrpcErrors.toStatus(refusal).getTrailers());
            return new ServerCall.Listener<>() {
            };
        }
        ServerCall<Q, R> served = caller != null && caller.isOperator() ? audited(call, caller, method) : call;
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), served, headers, next);
    }

    /** The client certificate the TLS layer verified (mTLS), if the connection has one. */
    private static java.security.cert.X509Certificate clientCertificate(ServerCall<?, ?> call) {
        javax.net.ssl.SSLSession session = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return null;
        }
        try {
            return io.agentmesh.service.tls.ClientCertificates.leaf(session.getPeerCertificates()).orElse(null);
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** An operator's call, recorded in the audit when it ends (an operator may act on any agent's inbox or name). */
    private <Q, R> ServerCall<Q, R> audited(ServerCall<Q, R> call, MeshPrincipal caller, String method) {
        return new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                audit.record(caller.label(), "gRPC " + method, null, status.isOk() ? AuditLog.DONE : AuditLog.FAILED,
                        null, status.getCode().name() + (status.getDescription() == null ? "" : ": " + status.getDescription()));
                super.close(status, trailers);
            }
        };
    }

    /** The caller of the current call (set by this interceptor). */
    static MeshPrincipal caller() {
        MeshPrincipal caller = CALLER.get();
        if (caller == null) {
            throw new MeshException(ErrorCode.UNAUTHENTICATED, "no authenticated caller");
        }
        return caller;
    }

    /** The rule once the request names its agent: an agent acts only on itself. */
    void requireAllowed(MeshPrincipal caller, Access access, String agentId, String method) {
        MeshException refusal = refusal(AccessRules.decide(access, caller, agentId), access, caller, null, method);
        if (refusal != null) {
            deny(caller, method, agentId, refusal);
            throw refusal;
        }
    }

    /** Refuses to serve an RPC that has no rule: default deny, decided when the server starts. */
    public static void requireRules(List<ServerServiceDefinition> services) {
        List<String> missing = new ArrayList<>();
        for (ServerServiceDefinition service : services) {
            for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
                if (!RULES.containsKey(m.getMethodDescriptor().getFullMethodName())) {
                    missing.add(m.getMethodDescriptor().getFullMethodName());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("RPCs without an access rule (GrpcAccess.RULES): " + missing);
        }
    }

    private static MeshException refusal(AccessRules.Decision decision, Access access, MeshPrincipal caller,
                                         String problem, String method) {
        return switch (decision) {
            case ALLOW -> null;
            case UNAUTHENTICATED -> new MeshException(ErrorCode.UNAUTHENTICATED,
                    problem == null ? "authentication required: send 'authorization: Bearer <token>' metadata" : problem);
            case FORBIDDEN -> Callers.forbidden(caller, "call " + method + " (needs " + Callers.needs(access) + ")");
        };
    }

    private void deny(MeshPrincipal caller, String method, String agentId, MeshException refusal) {
        metrics.denied(refusal.code());
        audit.record(caller == null ? "anonymous" : caller.label(), "gRPC " + method,
                agentId == null ? null : "agent_id=" + agentId, AuditLog.DENIED, refusal.code().httpStatus(),
                refusal.getMessage());
    }
}
