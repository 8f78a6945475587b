package io.agentmesh.service.messaging;

import com.codahale.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ResendPinsTest {

    @Test
    void withoutRedisASendGoesWhereItsKeySaysAndIsCounted() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        // nothing listens on port 1
        ResendPins pins = new ResendPins("redis://127.0.0.1:1", Duration.ofMillis(200), Duration.ofMinutes(10), metrics);
        try {
            pins.start();
            for (int i = 0; i < 3; i++) {
                ResendPins.Pin pin = pins.pin("alice", "m1", 4, 6, 1000L + i).get();
                assertThat(pin).isEqualTo(new ResendPins.Pin(4, 1000L + i, false));
            }
            assertThat(metrics.counter("mesh.dedupe.pins.unavailable").getCount()).isEqualTo(3);
            assertThat(metrics.counter("mesh.dedupe.pins.resends").getCount()).isZero();
        } finally {
            pins.stop();
        }
    }

    @Test
    void keysScopeTheIdToItsSender() {
        assertThat(ResendPins.key("alice", "m1")).isNotEqualTo(ResendPins.key("bob", "m1"))
                .isNotEqualTo(ResendPins.key(null, "m1"));
        assertThat(ResendPins.key(null, "m1")).isEqualTo("mesh:pin:\nm1");
    }
}
