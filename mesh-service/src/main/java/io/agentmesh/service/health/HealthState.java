package io.agentmesh.service.health;

import java.time.Instant;

/**
 * One agent's health as the monitor keeps it: the checks' verdict with its counters, a manual
 * override, flapping, and the resulting {@link #status()} (what the router and operators see).
 */
public record HealthState(String agentId, String status, String checkStatus, int consecutiveFailures,
                          int consecutiveSuccesses, Instant lastCheckAt, Boolean lastCheckOk, String lastError,
                          Integer lastLatencyMs, String overrideStatus, String overrideReason, Instant overrideUntil,
                          boolean flapping, Instant changedAt) {

    public static final String UNKNOWN = "unknown";
    public static final String HEALTHY = "healthy";
    public static final String UNHEALTHY = "unhealthy";
    public static final String FLAPPING = "flapping";

    public static HealthState initial(String agentId) {
        return new HealthState(agentId, UNKNOWN, UNKNOWN, 0, 0, null, null, null, null, null, null, null, false, null);
    }

    /** The status that follows from verdict, override and flapping: an override wins, then flapping. */
    public String derivedStatus() {
        if (overrideStatus != null) {
            return overrideStatus;
        }
        return flapping ? FLAPPING : checkStatus;
    }

    public HealthState withCheck(String verdict, int failures, int successes, Instant at, boolean ok, String error,
                                 Integer latencyMs) {
        return new HealthState(agentId, status, verdict, failures, successes, at, ok, error, latencyMs, overrideStatus,
                overrideReason, overrideUntil, flapping, changedAt);
    }

    public HealthState withOverride(String override, String reason, Instant until) {
        return new HealthState(agentId, status, checkStatus, consecutiveFailures, consecutiveSuccesses, lastCheckAt,
                lastCheckOk, lastError, lastLatencyMs, override, reason, until, flapping, changedAt);
    }

    public HealthState withFlapping(boolean value) {
        return new HealthState(agentId, status, checkStatus, consecutiveFailures, consecutiveSuccesses, lastCheckAt,
                lastCheckOk, lastError, lastLatencyMs, overrideStatus, overrideReason, overrideUntil, value, changedAt);
    }

    /** This state with {@link #status()} set to what it derives to (and the change time when it moved). */
    public HealthState settled(Instant now) {
        String next = derivedStatus();
        return next.equals(status) ? this : new HealthState(agentId, next, checkStatus, consecutiveFailures,
                consecutiveSuccesses, lastCheckAt, lastCheckOk, lastError, lastLatencyMs, overrideStatus, overrideReason,
                overrideUntil, flapping, now);
    }
}
