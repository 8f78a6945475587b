package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Queue statistics, depth (endpoint and gauge) and purge against the real broker. */
@ExtendWith(DropwizardExtensionsSupport.class)
class QueueIT {

    // purges of what is a few seconds old, to test in seconds what operators do in hours
    static final MeshApp MESH = MeshApp.onSharedBroker(MeshApp.set("messages.minPurgeAge", "5s"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static Http.Reply delete(String path) {
        return Http.send(HttpRequest.newBuilder(URI.create(MESH.url(path))).DELETE());
    }

    private static JsonNode inboxStats(String agent) {
        for (JsonNode t : Http.get(MESH.url("/api/v1/queues/stats")).json().path("topics")) {
            if (t.path("topic").asText().equals(MESH.topic("agent." + agent))) {
                return t;
            }
        }
        throw new AssertionError("no stats for the inbox of " + agent);
    }

    @Test
    void statsDepthAndPurge() throws Exception {
        String agent = "q-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"Q\"}").status()).isEqualTo(201);
        for (int i = 0; i < 5; i++) {
            assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"payload\":" + i + "}").status())
                    .isEqualTo(202);
        }
        // offsets, not records: under exactly-once each router transaction adds a commit marker
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=100"))
                .json().path("messages").size() == 5);
        long lagBefore = inboxStats(agent).path("lag").asLong();
        assertThat(lagBefore).isGreaterThanOrEqualTo(5);
        JsonNode inbox = inboxStats(agent);
        assertThat(inbox.path("kind").asText()).isEqualTo("inbox");
        assertThat(inbox.path("consumer_group").asText()).isEqualTo(agent);
        assertThat(inbox.path("messages").asLong()).isGreaterThanOrEqualTo(5);
        JsonNode depth = Http.get(MESH.url("/api/v1/queues/depth")).json();
        assertThat(depth.path("depth").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(depth.path("inbox_backlog").asLong()).isGreaterThanOrEqualTo(5);

        // acknowledging shrinks the backlog
        Http.Reply poll = Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=2"));
        assertThat(Http.post(MESH.url("/api/v1/agents/" + agent + "/messages/ack"),
                "{\"offsets\":" + poll.json().path("ack") + "}").status()).isEqualTo(200);
        assertThat(inboxStats(agent).path("lag").asLong()).isBetween(3L, lagBefore - 2);
        await().atMost(15, SECONDS).until(() -> Http.get(MESH.url("/metrics")).body().contains("mesh_queue_depth "));

        // purge what is older than 5 s, keep what is newer
        Thread.sleep(6000);
        assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"payload\":\"fresh\"}").status())
                .isEqualTo(202);
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=100"))
                .json().path("messages").size() == 4);
        Http.Reply dry = delete("/api/v1/queues/purge?older_than=5s&topics=inboxes&dry_run=true");
        assertThat(dry.status()).as(dry.body()).isEqualTo(200);
        long wouldRemove = dry.json().path("removed_per_topic").path(MESH.topic("agent." + agent)).asLong();
        assertThat(wouldRemove).isGreaterThanOrEqualTo(5);
        assertThat(Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=100")).json().path("messages")).hasSize(4);

        Http.Reply purged = delete("/api/v1/queues/purge?older_than=5s&topics=inboxes");
        assertThat(purged.json().path("removed_per_topic").path(MESH.topic("agent." + agent)).asLong()).isEqualTo(wouldRemove);
        Http.Reply left = Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=100"));
        assertThat(left.json().path("messages")).hasSize(1);
        assertThat(left.json().path("messages").get(0).path("payload").asText()).isEqualTo("fresh");
    }

    @Test
    void badPurgeRequestsAreRefused() {
        for (String q : new String[]{"", "?older_than=", "?older_than=banana", "?older_than=1h&topics=ingress",
                "?older_than=1h&topics=registry,dlq", "?older_than=1h&dry_run=maybe", "?older_than=0s",
                "?older_than=2s&topics=inboxes"}) {
            Http.Reply r = delete("/api/v1/queues/purge" + q);
            assertThat(r.status()).as(q + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().path("code").asText()).isEqualTo("INVALID_REQUEST");
        }
    }
}
