package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.envelope.Strategy;
import io.agentmesh.streams.registry.RegistryEntry;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.agentmesh.streams.router.RouterFixture.ids;
import static io.agentmesh.streams.router.TestEvents.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** capability:, namespace: and broadcast targets, and the anycast strategies. */
class AddressingTest {

    private RouterFixture mesh = new RouterFixture(new RouterPolicy(Duration.ofMinutes(10), 1024));

    @AfterEach
    void close() {
        mesh.close();
    }

    private void threeSummarizers() {
        mesh.agent("s1", "summarize");
        mesh.agent("s2", "summarize", "chat");
        mesh.agent("s3", "summarize");
        mesh.agent("other", "chat");
    }

    @Test
    void theRegistryListenerHearsOfEveryAgentRecordButNotOfRemovals() {
        mesh.agentIn("a1", "default", "active", "x");
        mesh.agentIn("a2", "default", "deregistered", "x");
        mesh.registry.pipeInput("a1", null);
        assertThat(mesh.heard).extracting(RegistryEntry::id, RegistryEntry::status)
                .containsExactly(tuple("a1", "active"), tuple("a2", "deregistered"));
    }

    @Test
    void theInboxesOfAFanOutAreGotReadyBeforeItIsWrittenButADirectMessageAsksNothing() {
        mesh.agentIn("p1", "prod", "active");
        mesh.agentIn("p2", "prod", "active");
        mesh.agentIn("d1", "dev", "active");
        mesh.send("direct", "agent:p1", null);
        assertThat(mesh.prepared).isEmpty();

        mesh.send("ns", "namespace:prod", null);
        mesh.send("all", "broadcast", null);
        assertThat(mesh.prepared).hasSize(2);
        assertThat(mesh.prepared.get(0)).containsExactlyInAnyOrder("p1", "p2");
        assertThat(mesh.prepared.get(1)).containsExactlyInAnyOrder("p1", "p2", "d1");
    }

    @Test
    void aCapabilityScopedToANamespaceGoesOnlyToAgentsThere() {
        mesh.agentIn("a1", "team-a", "active", "summarize");
        mesh.agentIn("b1", "team-b", "active", "summarize");
        mesh.agentIn("a2", "team-a", "active", "summarize");
        for (int i = 0; i < 4; i++) {
            mesh.send("m" + i, "capability:summarize@team-a", "k" + i);
        }
        assertThat(mesh.inbox("b1").isEmpty()).isTrue();
        assertThat(mesh.inbox("a1").getQueueSize() + mesh.inbox("a2").getQueueSize()).isEqualTo(4);

        // nobody with it there: it waits (and is dead-lettered in the end), never leaking to another namespace
        mesh.send("lonely", "capability:summarize@team-c", "k");
        assertThat(mesh.inbox("b1").isEmpty()).isTrue();
    }

    @Test
    void roundRobinTakesEachCapableAgentInTurn() {
        threeSummarizers();
        for (int i = 0; i < 6; i++) {
            mesh.send("m" + i, "capability:summarize", "k" + i);
        }
        assertThat(ids(mesh.inbox("s1"))).containsExactly("m0", "m3");
        assertThat(ids(mesh.inbox("s2"))).containsExactly("m1", "m4");
        assertThat(ids(mesh.inbox("s3"))).containsExactly("m2", "m5");
        assertThat(mesh.inbox("other").isEmpty()).isTrue();
    }

    @Test
    void consistentHashKeepsAKeyOnOneAgentAndMovesOnlyTheKeysOfAnAgentThatLeaves() {
        threeSummarizers();
        Map<String, String> owner = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            String key = "conversation-" + (i % 20);
            mesh.send("m" + i, "capability:summarize", key, MeshHeaders.EXT_STRATEGY, "consistent-hash");
        }
        for (String agent : List.of("s1", "s2", "s3")) {
            for (TestRecord<byte[], byte[]> r : mesh.inbox(agent).readRecordsToList()) {
                String key = new String(r.key());
                assertThat(owner.putIfAbsent(key, agent)).as("key %s stays on one agent", key).isIn(null, agent);
            }
        }
        assertThat(owner).hasSize(20);
        assertThat(new java.util.HashSet<>(owner.values())).hasSize(3);

        mesh.agentIn("s2", "default", "deregistered", "summarize");
        for (int i = 0; i < 20; i++) {
            mesh.send("n" + i, "capability:summarize", "conversation-" + i, MeshHeaders.EXT_STRATEGY, "consistent-hash");
        }
        for (String agent : List.of("s1", "s3")) {
            for (TestRecord<byte[], byte[]> r : mesh.inbox(agent).readRecordsToList()) {
                String key = new String(r.key());
                if (!owner.get(key).equals("s2")) {
                    assertThat(agent).as("key %s did not move", key).isEqualTo(owner.get(key));
                }
            }
        }
        assertThat(mesh.inbox("s2").isEmpty()).isTrue();
    }

    @Test
    void leastLoadedPicksTheSmallestLagAndRotatesAmongEquals() {
        threeSummarizers();
        mesh.lags.put("s1", 50L);
        mesh.lags.put("s2", 3L);
        mesh.lags.put("s3", 3L);
        for (int i = 0; i < 4; i++) {
            mesh.send("m" + i, "capability:summarize", null, MeshHeaders.EXT_STRATEGY, Strategy.LEAST_LOADED.wireName());
        }
        assertThat(mesh.inbox("s1").isEmpty()).isTrue();
        assertThat(ids(mesh.inbox("s2"))).hasSize(2);
        assertThat(ids(mesh.inbox("s3"))).hasSize(2);
    }

    @Test
    void inactiveAgentsAreNeverChosenAndNoCapableAgentIsNoHealthyAgent() {
        mesh.agentIn("gone", "default", "deregistered", "ocr");
        mesh.agentIn("expired", "default", "expired", "ocr");
        mesh.send("m1", "capability:ocr", null);
        mesh.agent("live", "ocr");
        mesh.send("m2", "capability:ocr", null);

        assertThat(mesh.dlq.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.DLQ_REASON))
                .containsExactly("NO_HEALTHY_AGENT");
        assertThat(ids(mesh.inbox("live"))).containsExactly("m2");
        assertThat(mesh.inbox("gone").isEmpty()).isTrue();
        assertThat(mesh.inbox("expired").isEmpty()).isTrue();
    }

    @Test
    void namespaceAndBroadcastGiveEveryMatchingAgentOneCopyWithItsOwnDeliveryId() {
        mesh.agentIn("p1", "prod", "active");
        mesh.agentIn("p2", "prod", "active");
        mesh.agentIn("d1", "dev", "active");
        mesh.agentIn("p3", "prod", "deregistered");
        mesh.send("ns-1", "namespace:prod", null);
        mesh.send("all-1", "broadcast", null);

        for (String agent : List.of("p1", "p2")) {
            List<TestRecord<byte[], byte[]>> got = mesh.inbox(agent).readRecordsToList();
            assertThat(got).extracting(r -> header(r.headers(), MeshHeaders.ID)).containsExactly("ns-1", "all-1");
            assertThat(got).extracting(r -> header(r.headers(), MeshHeaders.DELIVERY))
                    .containsExactly("ns-1/" + agent, "all-1/" + agent);
            assertThat(got).extracting(r -> header(r.headers(), MeshHeaders.TARGET)).containsOnly(agent);
        }
        assertThat(ids(mesh.inbox("d1"))).containsExactly("all-1");
        assertThat(mesh.inbox("p3").isEmpty()).isTrue();
        assertThat(mesh.dlq.isEmpty()).isTrue();
    }

    @Test
    void anEmptyNamespaceAndAnUnknownStrategyAreDeadLettered() {
        mesh.agent("s1", "summarize");
        mesh.send("m1", "namespace:nobody-here", null);
        mesh.send("m2", "capability:summarize", null, MeshHeaders.EXT_STRATEGY, "random");
        mesh.send("m3", "capability:summarize", null, MeshHeaders.EXT_MAX_ATTEMPTS, "zero");

        assertThat(mesh.dlq.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.DLQ_REASON))
                .containsExactly("NO_HEALTHY_AGENT", "INVALID_ENVELOPE", "INVALID_ENVELOPE");
    }
}
