package io.agentmesh.service.it;

import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** REST server-sent events: ids backed by the inbox position, resume with Last-Event-ID, ack with that position. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SseIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    /** One routing key for all: the inbox keeps their order (different keys may route in any order). */
    private static String send(String to, String id) {
        Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + to + "\",\"id\":\"" + id + "\",\"key\":\"one-key\",\"payload\":{\"id\":\"" + id + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return id;
    }

    private static List<String> ids(SseClient c) {
        return c.messages().stream().map(e -> Http.JSON.valueToTree(parse(e.data())).path("id").asText()).toList();
    }

    private static Object parse(String json) {
        try {
            return Http.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }

    @Test
    void eventsResumeAfterLastEventIdAndAckUsesTheSamePosition() throws Exception {
        String agent = "sse-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"S\"}").status()).isEqualTo(201);
        List<String> sent = List.of(send(agent, agent + "-a"), send(agent, agent + "-b"), send(agent, agent + "-c"));
        String url = MESH.url("/api/v1/agents/" + agent + "/stream");

        String secondId;
        try (SseClient first = new SseClient(url, null)) {
            assertThat(first.status).isEqualTo(200);
            await().atMost(30, SECONDS).until(() -> first.messages().size() == 3);
            assertThat(ids(first)).containsExactlyElementsOf(sent);
            // "<partition>:<next offset>" (offsets are not dense: the router's transaction markers take some)
            assertThat(first.messages()).allSatisfy(e -> assertThat(e.id()).matches("0:\\d+"));
            secondId = first.messages().get(1).id();
            assertThat(Long.parseLong(secondId.split(":")[1])).isGreaterThan(Long.parseLong(first.messages().get(0).id().split(":")[1]));
        }

        // resume after the second: the third, then what arrives next
        try (SseClient resumed = new SseClient(url, secondId)) {
            await().atMost(30, SECONDS).until(() -> resumed.messages().size() == 1);
            String d = send(agent, agent + "-d");
            await().atMost(30, SECONDS).until(() -> resumed.messages().size() == 2);
            assertThat(ids(resumed)).containsExactly(sent.get(2), d);
        }

        // SSE does not ack: a new stream starts from the acknowledged position (everything) ...
        try (SseClient again = new SseClient(url, null)) {
            await().atMost(30, SECONDS).until(() -> again.messages().size() == 4);
            String last = again.messages().get(3).id();
            // ... until the agent posts the last event's position as its ack
            Http.Reply ack = Http.post(MESH.url("/api/v1/agents/" + agent + "/messages/ack"),
                    "{\"offsets\":{\"" + last.split(":")[0] + "\":" + last.split(":")[1] + "}}");
            assertThat(ack.status()).as(ack.body()).isEqualTo(200);
        }
        try (SseClient afterAck = new SseClient(url, null)) {
            String e = send(agent, agent + "-e");
            await().atMost(30, SECONDS).until(() -> afterAck.messages().size() == 1);
            Thread.sleep(500);
            assertThat(ids(afterAck)).containsExactly(e);
        }
    }

    @Test
    void badResumePositionsAndUnknownAgentsAreRefused() {
        String agent = "sse-bad-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"S\"}").status()).isEqualTo(201);
        for (String bad : new String[]{"garbage", "0:-1", "7:0", "0:999", "0:1:2"}) {
            Http.Reply r = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    MESH.url("/api/v1/agents/" + agent + "/stream"))).header("Last-Event-ID", bad).GET());
            assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().path("details").path("field").asText()).isEqualTo("Last-Event-ID");
        }
        assertThat(Http.get(MESH.url("/api/v1/agents/nobody-sse/stream")).status()).isEqualTo(404);
    }
}
