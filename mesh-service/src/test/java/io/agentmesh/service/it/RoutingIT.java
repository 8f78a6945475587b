package io.agentmesh.service.it;

import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Anycast strategies, namespace and broadcast fan-out, and retries, on the real broker. */
@ExtendWith(DropwizardExtensionsSupport.class)
class RoutingIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(
            MeshApp.set("routing.lagRefresh", "200ms"),
            MeshApp.set("routing.retryInitialDelay", "300ms"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static Topics topics;

    @BeforeAll
    static void setUp() {
        topics = new Topics(TestInfra.get().bootstrapServers());
    }

    @AfterAll
    static void tearDown() {
        topics.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private static String register(String id, String namespace, String capability) {
        Http.Reply r = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"" + id
                + "\",\"namespace\":\"" + namespace + "\",\"capabilities\":[\"" + capability + "\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return id;
    }

    private static String send(String body) {
        Http.Reply r = Http.post(MESH.url("/api/v1/messages"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().path("id").asText();
    }

    /** Everything in the inbox now (reads for half a second). */
    private static List<ConsumerRecord<byte[], byte[]>> all(String agent) {
        return topics.readUntil(MESH.topic("agent." + agent), rs -> false, Duration.ofMillis(500));
    }

    private static List<ConsumerRecord<byte[], byte[]>> inbox(String agent, int atLeast) {
        return topics.readUntil(MESH.topic("agent." + agent), rs -> rs.size() >= atLeast, Duration.ofSeconds(30));
    }

    @Test
    void roundRobinRotatesStrictlyForOneKeyAndReachesEveryAgentAcrossKeys() {
        String cap = unique("cap");
        List<String> agents = List.of(register(unique("rr"), "default", cap), register(unique("rr"), "default", cap),
                register(unique("rr"), "default", cap));
        for (int i = 0; i < 9; i++) {
            send("{\"to\":\"capability:" + cap + "\",\"payload\":" + i + ",\"key\":\"one-conversation\"}");
        }
        for (String agent : agents) {
            assertThat(inbox(agent, 3)).as(agent).hasSize(3);
        }
        for (int i = 0; i < 30; i++) {
            send("{\"to\":\"capability:" + cap + "\",\"payload\":" + i + ",\"key\":\"k" + i + "\"}");
        }
        await().atMost(30, SECONDS).until(() -> agents.stream().mapToInt(a -> all(a).size()).sum() == 39);
        for (String agent : agents) {
            assertThat(all(agent).size()).as(agent).isGreaterThan(3);
        }
    }

    @Test
    void consistentHashKeepsEachKeyOnOneAgent() {
        String cap = unique("cap");
        List<String> agents = List.of(register(unique("ch"), "default", cap), register(unique("ch"), "default", cap),
                register(unique("ch"), "default", cap));
        for (int i = 0; i < 24; i++) {
            send("{\"to\":\"capability:" + cap + "\",\"payload\":" + i + ",\"key\":\"conversation-" + (i % 8)
                    + "\",\"strategy\":\"consistent-hash\"}");
        }
        Map<String, Set<String>> agentsOfKey = new HashMap<>();
        await().atMost(30, SECONDS).until(() -> agents.stream().mapToInt(a -> all(a).size()).sum() == 24);
        for (String agent : agents) {
            for (var r : all(agent)) {
                agentsOfKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new HashSet<>()).add(agent);
            }
        }
        assertThat(agentsOfKey).hasSize(8);
        assertThat(agentsOfKey.values()).allSatisfy(owners -> assertThat(owners).hasSize(1));
    }

    @Test
    void leastLoadedAvoidsAgentsWithABacklog() throws Exception {
        String cap = unique("cap");
        String busy1 = register(unique("busy"), "default", cap);
        String busy2 = register(unique("busy"), "default", cap);
        String idle = register(unique("idle"), "default", cap);
        for (int i = 0; i < 5; i++) {
            send("{\"to\":\"" + busy1 + "\",\"payload\":" + i + "}");
            send("{\"to\":\"" + busy2 + "\",\"payload\":" + i + "}");
        }
        inbox(busy1, 5);
        inbox(busy2, 5);
        // the first least-loaded message makes the router track these agents' lag
        send("{\"to\":\"capability:" + cap + "\",\"payload\":\"warm-up\",\"strategy\":\"least-loaded\"}");
        await().atMost(30, SECONDS).until(() -> all(busy1).size() + all(busy2).size() + all(idle).size() == 11);
        Thread.sleep(1000);
        int idleBefore = all(idle).size();
        for (int i = 0; i < 3; i++) {
            send("{\"to\":\"capability:" + cap + "\",\"payload\":\"work-" + i + "\",\"strategy\":\"least-loaded\"}");
        }
        assertThat(inbox(idle, idleBefore + 3)).hasSize(idleBefore + 3);
    }

    @Test
    void namespaceAndBroadcastDeliverOneCopyPerAgent() {
        String ns = unique("ns");
        List<String> inNs = List.of(register(unique("n"), ns, "x"), register(unique("n"), ns, "x"));
        String outside = register(unique("o"), unique("other"), "x");

        String nsId = send("{\"to\":\"namespace:" + ns + "\",\"payload\":{\"hello\":\"ns\"}}");
        String allId = send("{\"to\":\"broadcast\",\"payload\":{\"hello\":\"all\"}}");

        for (String agent : inNs) {
            List<ConsumerRecord<byte[], byte[]>> got = inbox(agent, 2);
            assertThat(got).extracting(r -> Topics.header(r, MeshHeaders.ID)).containsExactlyInAnyOrder(nsId, allId);
            assertThat(got).extracting(r -> Topics.header(r, MeshHeaders.DELIVERY))
                    .containsExactlyInAnyOrder(nsId + "/" + agent, allId + "/" + agent);
        }
        assertThat(inbox(outside, 1)).extracting(r -> Topics.header(r, MeshHeaders.ID)).containsExactly(allId);
    }

    @Test
    void aCapabilityWithNoAgentIsRetriedUntilOneRegisters() {
        String cap = unique("late");
        String id = send("{\"to\":\"capability:" + cap + "\",\"payload\":\"wait for me\"}");
        await().pollDelay(Duration.ofMillis(500)).atMost(5, SECONDS).until(() -> true);
        String agent = register(unique("late"), "default", cap);

        List<ConsumerRecord<byte[], byte[]>> got = inbox(agent, 1);
        assertThat(got).extracting(r -> Topics.header(r, MeshHeaders.ID)).containsExactly(id);
        assertThat(Integer.parseInt(Topics.header(got.get(0), MeshHeaders.ATTEMPT))).isGreaterThan(1);
    }

    @Test
    void givingUpDeadLettersWithMaxAttempts() {
        String cap = unique("never");
        String id = send("{\"to\":\"capability:" + cap + "\",\"payload\":1,\"max_attempts\":2}");
        List<ConsumerRecord<byte[], byte[]>> dead = topics.readUntil(MESH.topic("dlq"),
                rs -> rs.stream().anyMatch(r -> id.equals(Topics.header(r, MeshHeaders.ID))), Duration.ofSeconds(30));
        ConsumerRecord<byte[], byte[]> mine = dead.stream().filter(r -> id.equals(Topics.header(r, MeshHeaders.ID))).findFirst().orElseThrow();
        assertThat(Topics.header(mine, MeshHeaders.DLQ_REASON)).isEqualTo("MAX_ATTEMPTS");
        assertThat(Topics.header(mine, MeshHeaders.DLQ_CAUSE)).isEqualTo("NO_HEALTHY_AGENT");
        assertThat(Topics.header(mine, MeshHeaders.DLQ_ATTEMPTS)).isEqualTo("2");
    }

    @Test
    void routingTableCacheClearRebuildAndMetrics() {
        String cap = unique("tbl");
        String ns = unique("tblns");
        String agent = register(unique("t"), ns, cap);
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/routing/table")).body().contains(agent));
        var table = Http.get(MESH.url("/api/v1/routing/table")).json();
        assertThat(table.path("capabilities").path(cap).get(0).asText()).isEqualTo(agent);
        assertThat(table.path("namespaces").path(ns).get(0).asText()).isEqualTo(agent);
        assertThat(table.path("routable").asInt()).isPositive();

        Http.Reply cleared = Http.post(MESH.url("/api/v1/routing/cache/clear"), "");
        assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
        assertThat(cleared.json().path("cleared").has("inbox_lag_entries")).isTrue();
        Http.Reply rebuilt = Http.post(MESH.url("/api/v1/routing/rebuild"), "");
        assertThat(rebuilt.status()).as(rebuilt.body()).isEqualTo(200);
        assertThat(rebuilt.json().path("republished").asInt()).isPositive();

        send("{\"to\":\"" + agent + "\",\"payload\":1}");
        await().atMost(30, SECONDS).until(() -> {
            var m = Http.get(MESH.url("/api/v1/metrics/routing")).json();
            return m.path("routed").path("count").asLong() > 0 && m.path("latency_seconds").path("samples").asLong() > 0;
        });
        var m = Http.get(MESH.url("/api/v1/metrics/routing")).json();
        assertThat(m.path("latency_seconds").path("p99").asDouble()).isGreaterThanOrEqualTo(m.path("latency_seconds").path("p50").asDouble());
        assertThat(m.has("dead_lettered")).isTrue();
        assertThat(m.has("duplicates_dropped")).isTrue();
    }
}
