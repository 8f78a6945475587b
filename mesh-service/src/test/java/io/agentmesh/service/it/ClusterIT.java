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
    }
}
