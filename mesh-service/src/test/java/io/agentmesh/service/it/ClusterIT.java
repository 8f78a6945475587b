package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two mesh nodes on one ZooKeeper: membership, one leader, a new election on demand, the gauges. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ClusterIT {

    static final MeshApp NODE1 = MeshApp.onSharedBroker(MeshApp.set("zookeeper.expectedNodes", "2"));
    static final MeshApp NODE2 = NODE1.secondNode(MeshApp.set("zookeeper.expectedNodes", "2"));
    static final DropwizardAppExtension<MeshConfiguration> APP1 = NODE1.extension();
    static final DropwizardAppExtension<MeshConfiguration> APP2 = NODE2.extension();

    private static JsonNode status(MeshApp node) {
        return Http.get(node.url("/api/v1/cluster/status")).json();
    }

    @Test
    void bothNodesSeeEachOtherAndOneLeaderThatCanBeReplaced() {
        await().atMost(30, SECONDS).until(() -> status(NODE1).path("nodes").asInt() == 2
                && !status(NODE1).path("leader").isNull() && status(NODE2).path("leader").asText()
                .equals(status(NODE1).path("leader").asText()));
        JsonNode s1 = status(NODE1);
        JsonNode s2 = status(NODE2);
        assertThat(s1.path("zookeeper").asText()).isEqualTo("connected");
        assertThat(s1.path("partition_suspected").asBoolean()).isFalse();
        assertThat(s1.path("is_leader").asBoolean()).isNotEqualTo(s2.path("is_leader").asBoolean());
        String leader = s1.path("leader").asText();
        assertThat(leader).isIn(s1.path("node").asText(), s2.path("node").asText());

        JsonNode nodes = Http.get(NODE2.url("/api/v1/cluster/nodes")).json();
        assertThat(nodes.path("count").asInt()).isEqualTo(2);
        assertThat(nodes.path("nodes").findValuesAsText("id")).containsExactlyInAnyOrder(s1.path("node").asText(),
                s2.path("node").asText());

        await().atMost(10, SECONDS).until(() -> {
            String metrics = Http.get(NODE1.url("/metrics")).body();
            return metrics.contains("mesh_cluster_nodes 2.0") && metrics.contains("mesh_expected_nodes 2.0");
        });

        // ask the node that is NOT the leader: the leader steps down wherever it runs
        MeshApp follower = s1.path("is_leader").asBoolean() ? NODE2 : NODE1;
        Http.Reply elect = Http.post(follower.url("/api/v1/cluster/leader/elect"), "");
        assertThat(elect.status()).as(elect.body()).isEqualTo(200);
        assertThat(elect.json().path("previous_leader").asText()).isEqualTo(leader);
        assertThat(elect.json().path("changed").asBoolean()).isTrue();
        assertThat(elect.json().path("leader").asText()).isNotEqualTo(leader);
        await().atMost(10, SECONDS).until(() -> status(follower).path("is_leader").asBoolean());

        // elections are bounded: not again on this node right after one (each makes the leader step down)
        Http.Reply again = Http.post(follower.url("/api/v1/cluster/leader/elect"), "");
        assertThat(again.status()).as(again.body()).isEqualTo(429);
        assertThat(again.json().path("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(again.raw().headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aSettingsChangeOnOneNodeAppliesOnTheOther() {
        Http.Reply put = Http.put(NODE2.url("/api/v1/config"), "{\"health_check_interval_ms\": 45000, \"health_check_timeout_ms\": 9000}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        await().atMost(10, SECONDS).until(() -> Http.get(NODE1.url("/api/v1/config/health-checks")).json()
                .path("health_check_interval_ms").asInt() == 45000);
        assertThat(Http.get(NODE1.url("/api/v1/config/health-checks")).json().path("health_check_timeout_ms").asInt())
                .isEqualTo(9000);
    }

    @Test
    void reconcileRepairsRedisAndResyncRewritesEverything() {
        String id = "recon-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(NODE1.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"R\"}").status()).isEqualTo(201);
        // discovered on the other node
        assertThat(Http.get(NODE2.url("/api/v1/discover?namespace=default")).json().path("agents").findValuesAsText("id"))
                .contains(id);
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(TestInfra.REDIS_URI);
        try (var redis = client.connect()) {
            redis.sync().del("mesh:agent:" + id);
            redis.sync().sadd("mesh:agents", "ghost-" + id);
            Http.Reply r = Http.post(NODE2.url("/api/v1/cluster/reconcile"), "");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("redis").path("added").toString()).contains(id);
            assertThat(r.json().path("redis").path("removed").toString()).contains("ghost-" + id);
            assertThat(redis.sync().exists("mesh:agent:" + id)).isEqualTo(1L);
            assertThat(redis.sync().sismember("mesh:agents", "ghost-" + id)).isFalse();
            // a second reconcile finds nothing left to fix in Redis
            Http.Reply again = Http.post(NODE2.url("/api/v1/cluster/reconcile"), "");
            assertThat(again.json().path("redis").path("added").toString()).doesNotContain(id);
        } finally {
            client.shutdown();
        }
        Http.Reply resync = Http.post(NODE1.url("/api/v1/cluster/resync"), "");
        assertThat(resync.status()).as(resync.body()).isEqualTo(200);
        assertThat(resync.json().path("redis_rebuilt").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(resync.json().path("registry").path("republished").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(resync.json().has("health_republished")).isTrue();
    }
}
