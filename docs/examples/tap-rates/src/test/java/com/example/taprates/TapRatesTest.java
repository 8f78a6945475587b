package com.example.taprates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class TapRatesTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static String routed(String id, String agent, long latencyMs) {
        return "{\"schema\":\"agentmesh.tap/v1\",\"tap\":\"t\",\"event\":\"routed\",\"event_id\":\"events:0:" + id
                + "\",\"id\":\"" + id + "\",\"key\":\"" + id + "\",\"agents\":[\"" + agent + "\"],\"routing_latency_ms\":"
                + latencyMs + ",\"namespaces\":[\"blue\"]}";
    }

    @Test
    void countsAndP99PerAgentPerMinuteOnceTheMinuteIsOver() throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tap.t.rates");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(TapRates.topology("mesh.tap.t", "rates"), props)) {
            TestInputTopic<String, String> tap = driver.createInputTopic("mesh.tap.t", new StringSerializer(), new StringSerializer());
            TestOutputTopic<String, String> rates = driver.createOutputTopic("rates", new StringDeserializer(), new StringDeserializer());
            for (int i = 1; i <= 100; i++) {
                tap.pipeInput("k" + i, routed("m" + i, "writer", i), T0.plusMillis(i * 100L));
            }
            tap.pipeInput("k", routed("r1", "reader", 7), T0.plusSeconds(30));
            tap.pipeInput("k", "{\"event\":\"accepted\",\"id\":\"a1\"}", T0.plusSeconds(31));
            tap.pipeInput("k", "not json", T0.plusSeconds(32));
            assertThat(rates.isEmpty()).as("nothing before the minute is over").isTrue();
            // a record past the minute and its grace closes it
            tap.pipeInput("k", routed("late", "writer", 1), T0.plusSeconds(75));

            ObjectMapper json = new ObjectMapper();
            List<JsonNode> out = new ArrayList<>();
            for (String v : rates.readValuesToList()) {
                out.add(json.readTree(v));
            }
            assertThat(out).extracting(r -> r.path("agent").asText() + " " + r.path("messages").asLong() + " "
                    + r.path("p99_routing_latency_ms").asLong() + " " + r.path("minute").asText())
                    .containsExactlyInAnyOrder("writer 100 99 2026-12-01T10:00:00Z", "reader 1 7 2026-12-01T10:00:00Z");
        }
    }
}
