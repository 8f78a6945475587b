package io.agentmesh.service.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.ErrorBody;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The access rule for a plain servlet outside Jersey ({@code /metrics}: the viewer role, which a
 * Prometheus scrape job sends as {@code authorization: credentials_file}).
 */
public final class ServletAccessFilter implements Filter {

    private final Access access;
    private final Authenticator authenticator;
    private final AuditLog audit;
    private final AuthMetrics metrics;
    private final ObjectMapper mapper;

    public ServletAccessFilter(Access access, Authenticator authenticator, AuditLog audit, AuthMetrics metrics,
                               ObjectMapper mapper) {
        this.access = access;
        this.authenticator = authenticator;
        this.audit = audit;
        this.metrics = metrics;
        this.mapper = mapper;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        Authenticator.Outcome outcome = authenticator.authenticate(request.getHeader("Authorization"),
                io.agentmesh.service.tls.ClientCertificates.leaf(
                        request.getAttribute(io.agentmesh.service.tls.ClientCertificates.SERVLET_ATTRIBUTE)).orElse(null));
        MeshPrincipal caller = outcome.caller();
        MeshException refusal = switch (AccessRules.decide(access, caller, null)) {
            case ALLOW -> null;
            case UNAUTHENTICATED -> new MeshException(ErrorCode.UNAUTHENTICATED,
                    outcome.problem() == null ? "authentication required" : outcome.problem());
            case FORBIDDEN -> new MeshException(ErrorCode.FORBIDDEN, caller.label() + " may not read "
                    + request.getRequestURI() + " (needs " + Callers.needs(access) + ")");
        };
        if (refusal == null) {
            chain.doFilter(req, res);
            return;
        }
        metrics.denied(refusal.code());
        audit.record(caller == null ? "anonymous" : caller.label(), request.getMethod() + " " + request.getRequestURI(),
                null, AuditLog.DENIED, refusal.code().httpStatus(), refusal.getMessage());
        HttpServletResponse response = (HttpServletResponse) res;
        response.setStatus(refusal.code().httpStatus());
        response.setContentType(io.agentmesh.service.errors.ErrorBody.MEDIA_TYPE);
        if (refusal.code() == ErrorCode.UNAUTHENTICATED) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"agent-mesh\"");
        }
        mapper.writeValue(response.getOutputStream(), ErrorBody.of(refusal, request.getRequestURI()));
    }
}
