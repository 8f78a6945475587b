package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runbook's {@code curl -X POST http://localhost:3005/api/v1/queues/dlq/retry}, to the letter: no
 * body, no content type. It replays every dead letter not yet replayed, at most {@code max} per call,
 * says how many it left, and never replays one twice.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DlqRunbookRetryIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static Http.Reply bareRetry() {
        return Http.send(HttpRequest.newBuilder(URI.create(MESH.url("/api/v1/queues/dlq/retry")))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void theBareRetryReplaysEveryDeadLetterOnceAndSaysWhatItLeft() throws Exception {
        String cap = "bare-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"capability:" + cap
                    + "\",\"payload\":{\"n\":" + i + "},\"max_attempts\":1}");
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            sent.add(r.json().path("id").asText());
        }
        // and one that expires on the way: without a new expiry a bare retry passes over it, it does not refuse
        Http.Reply e = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"capability:" + cap + "\",\"payload\":9,"
                + "\"expires_at\":\"" + java.time.Instant.now().plusMillis(800) + "\"}");
        assertThat(e.status()).as(e.body()).isEqualTo(202);
        await().atMost(30, SECONDS).until(() ->
                Http.get(MESH.url("/api/v1/queues/dlq?target=capability:" + cap)).json().path("count").asInt() == 4);
        String agent = "bare-agent-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"B\",\"capabilities\":[\""
                + cap + "\"]}").status()).isEqualTo(201);

        // a capped call first: two replayed, one left
        Http.Reply capped = Http.post(MESH.url("/api/v1/queues/dlq/retry"), "{\"all\":true,\"max\":2}");
        assertThat(capped.status()).as(capped.body()).isEqualTo(200);
        assertThat(capped.json().path("replayed").asInt()).isEqualTo(2);
        assertThat(capped.json().path("left").asLong()).isEqualTo(1);
        assertThat(capped.json().path("more").asBoolean()).isTrue();
        assertThat(capped.json().path("skipped_expired").asInt()).isEqualTo(1);

        // the runbook's line takes the one left, passing over the two replayed
        Http.Reply bare = bareRetry();
        assertThat(bare.status()).as(bare.body()).isEqualTo(200);
        assertThat(bare.json().path("replayed").asInt()).isEqualTo(1);
        assertThat(bare.json().path("skipped_already_replayed").asInt()).isEqualTo(2);
        assertThat(bare.json().path("left").asLong()).isZero();
        assertThat(bare.json().path("more").asBoolean()).isFalse();
        assertThat(bare.json().path("skipped_expired").asInt()).isEqualTo(1);

        // and again: nothing is replayed twice
        Http.Reply again = bareRetry();
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("replayed").asInt()).isZero();
        assertThat(again.json().path("skipped_already_replayed").asInt()).isEqualTo(3);
        // the audit counts what the answer counted
        JsonNode audit = Http.get(MESH.url("/api/v1/queues/dlq/replays")).json().path("replays").get(0);
        assertThat(audit.path("replayed").asInt()).isZero();
        assertThat(audit.path("skipped").asInt()).isEqualTo(3);

        Topics topics = new Topics(TestInfra.get().bootstrapServers());
        try {
            topics.readUntil(MESH.topic("agent." + agent), rs -> rs.size() >= 3, Duration.ofSeconds(30));
            Thread.sleep(1000);
            List<ConsumerRecord<byte[], byte[]>> inbox = topics.readUntil(MESH.topic("agent." + agent), rs -> false,
                    Duration.ofSeconds(1));
            assertThat(inbox).extracting(r -> Topics.header(r, MeshHeaders.ID)).containsExactlyInAnyOrderElementsOf(sent);
        } finally {
            topics.close();
        }
        assertThat(Http.get(MESH.url("/api/v1/queues/dlq/replays")).json().path("replays").get(0).path("request")
                .path("all").asBoolean()).as("the audit says what the bare call meant").isTrue();
    }
}
