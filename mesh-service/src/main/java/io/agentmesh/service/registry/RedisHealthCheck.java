package io.agentmesh.service.registry;

import com.codahale.metrics.health.HealthCheck;

/** Redis is up when it answers PING. */
public final class RedisHealthCheck extends HealthCheck {

    private final AgentCache cache;

    public RedisHealthCheck(AgentCache cache) {
        this.cache = cache;
    }

    @Override
    protected Result check() {
        String pong = cache.ping();
        return "PONG".equals(pong) ? Result.healthy("PONG") : Result.unhealthy("answered " + pong);
    }
}
