package io.agentmesh.service.health;

import java.time.Instant;

/**
 * Hysteresis of the checks' verdict: {@code unhealthy_threshold} consecutive failures make an agent
 * unhealthy, {@code healthy_threshold} consecutive successes make it healthy. Until either count is
 * reached the verdict stays what it was ("unknown" for a new agent).
 */
public final class HealthRules {

    private HealthRules() {
    }

    public static HealthState afterCheck(HealthState s, ProbeResult probe, HealthCheckSettings settings, Instant now) {
        int failures = probe.ok() ? 0 : s.consecutiveFailures() + 1;
        int successes = probe.ok() ? s.consecutiveSuccesses() + 1 : 0;
        String verdict = s.checkStatus();
        if (!probe.ok() && failures >= settings.unhealthyThreshold()) {
            verdict = HealthState.UNHEALTHY;
        } else if (probe.ok() && successes >= settings.healthyThreshold()) {
            verdict = HealthState.HEALTHY;
        }
        return s.withCheck(verdict, failures, successes, now, probe.ok(), probe.error(), probe.latencyMs());
    }
}
