package io.agentmesh.service.health;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentmesh.service.config.HealthSettings;
import io.agentmesh.service.errors.MeshException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The health-check settings that can change at run time, under the names PUT /api/v1/config takes.
 * Every instance is valid: the timeout is shorter than the interval and each value is in range.
 */
public record HealthCheckSettings(@JsonProperty("health_check_interval_ms") long intervalMs,
                                  @JsonProperty("health_check_timeout_ms") long timeoutMs,
                                  @JsonProperty("unhealthy_threshold") int unhealthyThreshold,
                                  @JsonProperty("healthy_threshold") int healthyThreshold,
                                  @JsonProperty("flapping_threshold") int flappingThreshold) {

    public static final long MIN_INTERVAL_MS = 100;
    public static final long MAX_INTERVAL_MS = 3_600_000;
    public static final long MIN_TIMEOUT_MS = 50;
    public static final Set<String> KEYS = Set.of("health_check_interval_ms", "health_check_timeout_ms",
            "unhealthy_threshold", "healthy_threshold", "flapping_threshold");

    public HealthCheckSettings {
        range("health_check_interval_ms", intervalMs, MIN_INTERVAL_MS, MAX_INTERVAL_MS);
        range("health_check_timeout_ms", timeoutMs, MIN_TIMEOUT_MS, MAX_INTERVAL_MS);
        if (timeoutMs >= intervalMs) {
            throw MeshException.invalidField("health_check_timeout_ms", timeoutMs
                    + " must be less than health_check_interval_ms (" + intervalMs + ")");
        }
        range("unhealthy_threshold", unhealthyThreshold, 1, 100);
        range("healthy_threshold", healthyThreshold, 1, 100);
        range("flapping_threshold", flappingThreshold, 1, 1000);
    }

    public static HealthCheckSettings from(HealthSettings file) {
        return new HealthCheckSettings(file.getCheckInterval().toMilliseconds(), file.getCheckTimeout().toMilliseconds(),
                file.getUnhealthyThreshold(), file.getHealthyThreshold(), file.getFlappingThreshold());
    }

    /** These settings with the given changes applied; 400 for unknown keys, non-integers, out-of-range values. */
    public HealthCheckSettings with(Map<String, ?> changes) {
        if (changes == null || changes.isEmpty()) {
            throw MeshException.invalid("the body must be a JSON object with at least one of " + KEYS);
        }
        Map<String, Long> v = new LinkedHashMap<>(asMap());
        for (Map.Entry<String, ?> e : changes.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw MeshException.invalidField(e.getKey(), "is not a setting that can be changed; known: " + KEYS);
            }
            if (!(e.getValue() instanceof Integer || e.getValue() instanceof Long)) {
                throw MeshException.invalidField(e.getKey(), "must be a whole number, got " + e.getValue());
            }
            v.put(e.getKey(), ((Number) e.getValue()).longValue());
        }
        return new HealthCheckSettings(v.get("health_check_interval_ms"), v.get("health_check_timeout_ms"),
                toInt("unhealthy_threshold", v), toInt("healthy_threshold", v), toInt("flapping_threshold", v));
    }

    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("health_check_interval_ms", intervalMs);
        m.put("health_check_timeout_ms", timeoutMs);
        m.put("unhealthy_threshold", (long) unhealthyThreshold);
        m.put("healthy_threshold", (long) healthyThreshold);
        m.put("flapping_threshold", (long) flappingThreshold);
        return m;
    }

    public Duration interval() {
        return Duration.ofMillis(intervalMs);
    }

    public Duration timeout() {
        return Duration.ofMillis(timeoutMs);
    }

    private static int toInt(String key, Map<String, Long> v) {
        long n = v.get(key);
        if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE) {
            throw MeshException.invalidField(key, n + " is out of range");
        }
        return (int) n;
    }

    private static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw MeshException.invalidField(key, value + " is outside " + min + ".." + max);
        }
    }
}
