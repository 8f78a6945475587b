package io.agentmesh.service.health;

/** The outcome of one active health check: ok, or the error; and how long it took. */
public record ProbeResult(boolean ok, String error, Integer latencyMs) {

    public static ProbeResult ok(int latencyMs) {
        return new ProbeResult(true, null, latencyMs);
    }

    public static ProbeResult failed(String error, Integer latencyMs) {
        return new ProbeResult(false, error, latencyMs);
    }
}
