package io.agentmesh.service.health;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HealthRulesTest {

    private static final HealthCheckSettings SETTINGS = new HealthCheckSettings(1000, 500, 3, 2, 10);
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    private static HealthState run(HealthState s, boolean... results) {
        for (boolean ok : results) {
            s = HealthRules.afterCheck(s, ok ? ProbeResult.ok(5) : ProbeResult.failed("HTTP 500", 5), SETTINGS, NOW)
                    .settled(NOW);
        }
        return s;
    }

    @Test
    void aNewAgentStaysUnknownUntilEitherThresholdIsReached() {
        HealthState s = run(HealthState.initial("a"), true);
        assertThat(s.status()).isEqualTo("unknown");
        assertThat(run(s, true).status()).isEqualTo("healthy");
        assertThat(run(HealthState.initial("a"), false, false).status()).isEqualTo("unknown");
        assertThat(run(HealthState.initial("a"), false, false, false).status()).isEqualTo("unhealthy");
    }

    @Test
    void hysteresisIgnoresFailuresAndSuccessesBelowTheThresholds() {
        HealthState healthy = run(HealthState.initial("a"), true, true);
        HealthState s = run(healthy, false, false, true, false, false);
        assertThat(s.status()).as("never 3 failures in a row").isEqualTo("healthy");
        assertThat(s.consecutiveFailures()).isEqualTo(2);
        HealthState sick = run(s, false);
        assertThat(sick.status()).isEqualTo("unhealthy");
        assertThat(run(sick, true, false, true).status()).as("never 2 successes in a row").isEqualTo("unhealthy");
        HealthState back = run(sick, true, true);
        assertThat(back.status()).isEqualTo("healthy");
        assertThat(back.changedAt()).isEqualTo(NOW);
        assertThat(back.lastError()).isNull();
    }

    @Test
    void anOverrideWinsOverTheVerdictAndFlappingOverTheVerdictOnly() {
        HealthState sick = run(HealthState.initial("a"), false, false, false);
        HealthState overridden = sick.withOverride("healthy", "maintenance", null).settled(NOW);
        assertThat(overridden.status()).isEqualTo("healthy");
        assertThat(run(overridden, false).status()).isEqualTo("healthy");
        assertThat(sick.withFlapping(true).settled(NOW).status()).isEqualTo("flapping");
        assertThat(overridden.withFlapping(true).settled(NOW).status()).isEqualTo("healthy");
        assertThat(overridden.withOverride(null, null, null).settled(NOW).status()).isEqualTo("unhealthy");
    }

    @Test
    void settingsRejectOutOfRangeValuesAndTimeoutsNotShorterThanTheInterval() {
        assertThat(SETTINGS.with(Map.of("health_check_interval_ms", 30000, "health_check_timeout_ms", 10000)).intervalMs())
                .isEqualTo(30000);
        for (Map<String, Object> bad : java.util.List.<Map<String, Object>>of(
                Map.of("health_check_timeout_ms", 1000), Map.of("health_check_interval_ms", 50),
                Map.of("health_check_timeout_ms", -1), Map.of("unhealthy_threshold", 0),
                Map.of("healthy_threshold", 101), Map.of("flapping_threshold", 1001),
                Map.of("health_check_interval_ms", "2000"), Map.of("health_check_interval_ms", 2000.5),
                Map.of("unhealthy_threshold", 5_000_000_000L), Map.of("other", 1), Map.of())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SETTINGS.with(bad))
                    .as(bad.toString()).isInstanceOf(io.agentmesh.service.errors.MeshException.class);
        }
    }
}
