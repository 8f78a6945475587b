package io.agentmesh.service.auth;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.ErrorResponses;
import io.agentmesh.service.errors.MeshException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;
import java.util.Map;

/**
 * Authenticates a REST call, applies its method's {@link Access} rule (401 / 403 with the usual
 * error body, recorded in the audit), makes the caller the call's {@link SecurityContext}
 * principal, and records operator actions in the audit when they answer.
 */
@Priority(Priorities.AUTHENTICATION)
final class AccessFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String CALLER = "mesh.caller";
    private static final String AUDITED = "mesh.audited";
    private static final int DRAIN_LIMIT = 64 * 1024;

    private final Access access;
    private final boolean auditedWhenAllowed;
    private final String template;
    private final boolean aboutAgent;
    private final Authenticator authenticator;
    private final AuditLog audit;
    private final AuthMetrics metrics;

    AccessFilter(Access access, boolean auditedWhenAllowed, String template, Authenticator authenticator, AuditLog audit,
                 AuthMetrics metrics) {
        this.access = access;
        this.auditedWhenAllowed = auditedWhenAllowed;
        this.template = template;
        this.aboutAgent = template.startsWith("/api/v1/agents/{id}");
        this.authenticator = authenticator;
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String action = request.getMethod() + " " + template;
        if (access == null) {
            deny(request, null, action, new MeshException(ErrorCode.FORBIDDEN, "no access rule for " + action));
            return;
        }
        Authenticator.Outcome outcome = authenticator.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION),
                io.agentmesh.service.tls.ClientCertificates.leaf(
                        request.getProperty(io.agentmesh.service.tls.ClientCertificates.SERVLET_ATTRIBUTE)).orElse(null));
        MeshPrincipal caller = outcome.caller();
        String subject = aboutAgent ? request.getUriInfo().getPathParameters().getFirst("id") : null;
        switch (AccessRules.decide(access, caller, subject)) {
            case UNAUTHENTICATED -> deny(request, null, action, new MeshException(ErrorCode.UNAUTHENTICATED,
                    outcome.problem() == null ? "authentication required" : outcome.problem()));
            case FORBIDDEN -> deny(request, caller, action, new MeshException(ErrorCode.FORBIDDEN,
                    caller.label() + " may not call " + action + " (needs " + Callers.needs(access) + ")",
                    Map.of("caller", caller.label(), "needs", Callers.needs(access))));
            case ALLOW -> {
                request.setProperty(CALLER, caller);
                request.setSecurityContext(new CallerContext(caller, request.getSecurityContext()));
            }
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(CALLER) instanceof MeshPrincipal caller) || request.getProperty(AUDITED) != null
                || !audited(request.getMethod(), caller)) {
            return;
        }
        int status = response.getStatus();
        audit.record(caller.label(), request.getMethod() + " " + template, target(request),
                status < 400 ? AuditLog.DONE : AuditLog.FAILED, status, request.getUriInfo().getRequestUri().getRawQuery());
    }

    private boolean audited(String method, MeshPrincipal caller) {
        if (!auditedWhenAllowed || HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
                || HttpMethod.OPTIONS.equals(method)) {
            return false;
        }
        // operators' sends too: they may name any sender
        return access.operatorLevel() || access == Access.MANAGE_AGENT || caller.isOperator();
    }

    private void deny(ContainerRequestContext request, MeshPrincipal caller, String action, MeshException e) {
        request.setProperty(AUDITED, Boolean.TRUE);
        metrics.denied(e.code());
        audit.record(caller == null ? "anonymous" : caller.label(), action, target(request), AuditLog.DENIED,
                e.code().httpStatus(), e.getMessage());
        request.abortWith(unreadBodyClosesConnection(request, ErrorResponses.of(e, request.getUriInfo())));
    }

    /**
     * A refused request's body is not read: a small one is drained so the connection stays usable,
     * a larger one (or one that fails to read) ends the connection, so the client does not send its
     * next request on a connection the server is closing.
     */
    private static jakarta.ws.rs.core.Response unreadBodyClosesConnection(ContainerRequestContext request,
                                                                       jakarta.ws.rs.core.Response refusal) {
        if (!request.hasEntity()) {
            return refusal;
        }
        try (java.io.InputStream body = request.getEntityStream()) {
            if (body.readNBytes(DRAIN_LIMIT + 1).length <= DRAIN_LIMIT) {
                return refusal;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // fall through: close
        }
        return jakarta.ws.rs.core.Response.fromResponse(refusal).header("Connection", "close").build();
    }

    private static String target(ContainerRequestContext request) {
        MultivaluedMap<String, String> params = request.getUriInfo().getPathParameters();
        if (params.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        params.forEach((k, v) -> out.append(out.isEmpty() ? "" : " ").append(k).append('=').append(String.join(",", v)));
        return out.toString();
    }


    /** The call's security context: the mesh caller, the transport's other answers unchanged. */
    private record CallerContext(MeshPrincipal caller, SecurityContext transport) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public boolean isUserInRole(String role) {
            return Role.parse(role).map(caller::has).orElse(false);
        }

        @Override
        public boolean isSecure() {
            return transport != null && transport.isSecure();
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
