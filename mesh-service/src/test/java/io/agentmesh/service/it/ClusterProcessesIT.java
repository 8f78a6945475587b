package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Mesh nodes as separate processes (the packaged jar, {@code server} command) sharing one broker,
 * ZooKeeper, Postgres and Redis: an agent registered on one node is discovered and routed on the
 * other; settings changed on one apply on the other and on a node started later; leader/elect moves
 * leadership; killing the leader's process (SIGKILL) elects another within the ZooKeeper session
 * timeout, and the survivor reports the partition.
 */
class ClusterProcessesIT {

    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final String PREFIX = "cp" + UUID.randomUUID().toString().substring(0, 6);

    private static Path dir;
    private static final Map<String, NodeProcess> NODES = new LinkedHashMap<>();

    @BeforeAll
    static void prepare() throws Exception {
        assertThat(NodeProcess.JAR).as("system property mesh.jar").isNotNull();
        dir = Files.createTempDirectory("mesh-cluster-");
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (NodeProcess n : NODES.values()) {
            n.process().destroy();
        }
        for (NodeProcess n : NODES.values()) {
            n.stop();
        }
    }

    private static NodeProcess start(String name) throws Exception {
        NodeProcess node = NodeProcess.start(PREFIX, name, dir, List.of(
                "-Ddw.zookeeper.sessionTimeout=" + SESSION_TIMEOUT.toSeconds() + "s",
                "-Ddw.zookeeper.expectedNodes=2"), Map.of());
        NODES.put(name, node);
        return node;
    }

    private static JsonNode status(NodeProcess n) {
        return Http.get(n.url("/api/v1/cluster/status")).json();
    }

    @Test
    void nodesShareTheRegistryAndSettingsAndSurviveTheLeadersDeath() throws Exception {
        NodeProcess a = start("a");
        NodeProcess b = start("b");
        a.awaitUp();
        b.awaitUp();
        await().atMost(Duration.ofSeconds(30)).until(() -> status(a).path("nodes").asInt() == 2
                && !status(b).path("leader").isNull());

        // registered on a: discovered, listed and routed on b
        String agent = "xproc-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Reply reg = Http.post(a.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"X\",\"capabilities\":[\"xproc\"]}");
        assertThat(reg.status()).as(reg.body()).isEqualTo(201);
        assertThat(Http.get(b.url("/api/v1/discover?capability=xproc")).json().path("agents").findValuesAsText("id"))
                .containsExactly(agent);
        assertThat(Http.get(b.url("/api/v1/agents/" + agent)).json().path("status").asText()).isEqualTo("active");
        String msg = "xproc-msg-" + UUID.randomUUID();
        Http.Reply sent = Http.post(b.url("/api/v1/messages"), "{\"to\":\"capability:xproc\",\"id\":\"" + msg + "\",\"payload\":{}}");
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(a.url("/api/v1/agents/" + agent + "/messages?wait=2"))
                .ids().contains(msg));

        // settings changed on a apply on b
        Http.Reply put = Http.put(a.url("/api/v1/config"), "{\"health_check_interval_ms\": 20000, \"health_check_timeout_ms\": 4000}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(b.url("/api/v1/config/health-checks")).json()
                .path("health_check_interval_ms").asInt() == 20000);

        // leader/elect, asked of the follower, moves leadership
        String leader = status(a).path("leader").asText();
        NodeProcess follower = leader.equals(a.id()) ? b : a;
        Http.Reply elect = Http.post(follower.url("/api/v1/cluster/leader/elect"), "");
        assertThat(elect.status()).as(elect.body()).isEqualTo(200);
        assertThat(elect.json().path("changed").asBoolean()).isTrue();
        assertThat(elect.json().path("leader").asText()).isEqualTo(follower.id());
        NodeProcess leaderNode = follower;
        NodeProcess survivor = leaderNode == a ? b : a;

        // kill -9 the leader: the survivor is elected within the session timeout (plus detection slack)
        long killedAt = System.nanoTime();
        leaderNode.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        await().atMost(SESSION_TIMEOUT.plusSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> status(survivor).path("is_leader").asBoolean());
        long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("leader %s killed; %s elected after %d ms (session timeout %d ms)%n", leaderNode.id(),
                survivor.id(), tookMs, SESSION_TIMEOUT.toMillis());
        JsonNode alone = status(survivor);
        assertThat(alone.path("nodes").asInt()).isEqualTo(1);
        assertThat(alone.path("partition_suspected").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(survivor.url("/metrics")).body()
                .contains("mesh_cluster_nodes 1.0"));

        // a node started now joins, and has the changed settings from Postgres
        NodeProcess c = start("c");
        c.awaitUp();
        await().atMost(Duration.ofSeconds(30)).until(() -> status(survivor).path("nodes").asInt() == 2);
        assertThat(status(c).path("leader").asText()).isEqualTo(survivor.id());
        assertThat(status(c).path("partition_suspected").asBoolean()).isFalse();
        assertThat(Http.get(c.url("/api/v1/config/health-checks")).json().path("health_check_interval_ms").asInt())
                .isEqualTo(20000);
        assertThat(Http.get(c.url("/api/v1/discover?capability=xproc")).json().path("agents").findValuesAsText("id"))
                .containsExactly(agent);
    }
}
