package io.agentmesh.service.auth;

import com.codahale.metrics.MetricRegistry;
import io.agentmesh.service.errors.ErrorCode;

/** Counts of refused calls: {@code mesh.auth.unauthenticated}, {@code mesh.auth.forbidden}, {@code mesh.auth.rate_limited}. */
public final class AuthMetrics {

    private final MetricRegistry registry;

    public AuthMetrics(MetricRegistry registry) {
        this.registry = registry;
    }

    public void denied(ErrorCode code) {
        registry.counter(switch (code) {
            case UNAUTHENTICATED -> "mesh.auth.unauthenticated";
            case RATE_LIMITED -> "mesh.auth.rate_limited";
            default -> "mesh.auth.forbidden";
        }).inc();
    }
}
