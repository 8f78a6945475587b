package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
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

/** Webhook push: CloudEvents binary mode, retry on 5xx, DLQ on 4xx and after the last attempt, per-key order. */
@ExtendWith(DropwizardExtensionsSupport.class)
class PushIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(
            MeshApp.set("routing.retryInitialDelay", "100ms"),
            MeshApp.set("routing.retryMaxDelay", "200ms"),
            MeshApp.set("routing.maxAttempts", "3"),
            MeshApp.set("messages.pushTimeout", "1s"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static String send(String to, String id, String key) {
        Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + to + "\",\"id\":\"" + id + "\",\"key\":\""
                + key + "\",\"type\":\"task.created\",\"payload\":{\"id\":\"" + id + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return id;
    }

    private static JsonNode deadLetters(String agent) {
        return Http.get(MESH.url("/api/v1/queues/dlq?target=" + agent)).json();
    }

    @Test
    void pushesRetriesAndDeadLettersAsTheAgentAnswers() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String flaky = "flaky-" + tag;
        String rejected = "rejected-" + tag;
        String broken = "broken-" + tag;
        try (PushStub stub = new PushStub(call -> {
            if (call.equals(flaky + "#1")) {
                return 500;
            }
            if (call.startsWith(rejected)) {
                // refused the first time only: its replay is taken
                return call.equals(rejected + "#1") ? 400 : 200;
            }
            if (call.startsWith(broken)) {
                return 503;
            }
            return 200;
        })) {
            String agent = "pushed-" + tag;
            Http.Reply reg = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"P\","
                    + "\"endpoint\":\"" + stub.endpoint() + "\",\"delivery\":\"push\"}");
            assertThat(reg.status()).as(reg.body()).isEqualTo(201);
            assertThat(reg.json().path("delivery").asText()).isEqualTo("push");
            long deadBefore = Http.get(MESH.url("/api/v1/metrics/routing")).json().path("dead_lettered").path("count").asLong();

            // the mesh pushes this inbox: reading or acking it as well would deliver twice
            for (Http.Reply refused : List.of(Http.get(MESH.url("/api/v1/agents/" + agent + "/messages")),
                    Http.post(MESH.url("/api/v1/agents/" + agent + "/messages/ack"), "{\"offsets\":{\"0\":0}}"),
                    Http.get(MESH.url("/api/v1/agents/" + agent + "/stream")))) {
                assertThat(refused.status()).as(refused.body()).isEqualTo(409);
                assertThat(refused.json().path("details").path("delivery").asText()).isEqualTo("push");
            }

            send(agent, flaky, "a");
            send(agent, rejected, "b");
            send(agent, broken, "c");
            List<String> ordered = List.of(send(agent, "o1-" + tag, "k"), send(agent, "o2-" + tag, "k"),
                    send(agent, "o3-" + tag, "k"));

            // 500 then 200: retried, delivered once
            await().atMost(60, SECONDS).until(() -> stub.of(flaky).size() == 2);
            assertThat(stub.of(flaky)).extracting(PushStub.Received::status).containsExactly(500, 200);
            PushStub.Received ok = stub.of(flaky).get(1);
            assertThat(ok.headers()).containsEntry("ce-id", flaky).containsEntry("ce-specversion", "1.0")
                    .containsEntry("ce-type", "task.created").containsEntry("content-type", "application/json");
            assertThat(ok.headers().get("ce-meshto")).isEqualTo("agent:" + agent);
            assertThat(ok.headers()).as("plain HTTP/1.1, no h2c upgrade").doesNotContainKeys("upgrade", "http2-settings");
            assertThat(ok.body()).contains("\"id\":\"" + flaky + "\"");

            // per-key order
            await().atMost(60, SECONDS).until(() -> ordered.stream().allMatch(id -> stub.of(id).size() == 1));
            assertThat(stub.received.stream().map(PushStub.Received::id).filter(ordered::contains).toList())
                    .containsExactlyElementsOf(ordered);

            // 4xx: dead-lettered at once; 5xx every time: dead-lettered after the last of 3 attempts
            await().atMost(60, SECONDS).until(() -> deadLetters(agent).path("count").asInt() == 2);
            JsonNode dlq = deadLetters(agent).path("dead_letters");
            assertThat(dlq.findValuesAsText("reason")).containsExactlyInAnyOrder("REJECTED_BY_AGENT", "DELIVERY_FAILED");
            assertThat(stub.of(rejected)).hasSize(1);
            assertThat(stub.of(broken)).hasSize(3);
            // delivery's dead letters count like the router's (the DLQ alert reads this)
            assertThat(Http.get(MESH.url("/api/v1/metrics/routing")).json().path("dead_lettered").path("count").asLong())
                    .isGreaterThanOrEqualTo(deadBefore + 2);
            for (JsonNode d : dlq) {
                if (d.path("reason").asText().equals("DELIVERY_FAILED")) {
                    assertThat(d.path("attempts").asInt()).isEqualTo(3);
                    assertThat(d.path("error").asText()).contains("HTTP 503");
                    assertThat(d.path("message").path("id").asText()).isEqualTo(broken);
                } else {
                    assertThat(d.path("error").asText()).contains("HTTP 400");
                    assertThat(d.path("message").path("id").asText()).isEqualTo(rejected);
                }
            }
            // the message log tells the story
            await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/messages/" + flaky)).body().contains("push"));

            // nothing is pushed twice once done
            int total = stub.received.size();
            send(agent, "last-" + tag, "z");
            await().atMost(30, SECONDS).until(() -> stub.of("last-" + tag).size() == 1);
            assertThat(stub.received).hasSize(total + 1);

            // a replayed push dead letter is pushed again, though its id is still in the dedupe window
            String rejectedDlq = dlq.findParents("dlq_id").stream()
                    .filter(d -> d.path("message").path("id").asText().equals(rejected)).findFirst().orElseThrow()
                    .path("dlq_id").asText();
            Http.Reply replayed = Http.post(MESH.url("/api/v1/queues/dlq/retry"), "{\"ids\":[\"" + rejectedDlq + "\"]}");
            assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
            assertThat(replayed.json().path("replayed").asInt()).isEqualTo(1);
            await().atMost(60, SECONDS).until(() -> stub.of(rejected).size() == 2);
            assertThat(stub.of(rejected)).extracting(PushStub.Received::status).containsExactly(400, 200);
        }
    }

    @Test
    void pushRegistrationsAreChecked() {
        String id = "badpush-" + UUID.randomUUID().toString().substring(0, 6);
        Http.Reply noEndpoint = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"x\",\"delivery\":\"push\"}");
        assertThat(noEndpoint.status()).isEqualTo(400);
        assertThat(noEndpoint.json().path("details").path("field").asText()).isEqualTo("endpoint");
        Http.Reply badMode = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"x\",\"delivery\":\"smoke\"}");
        assertThat(badMode.status()).isEqualTo(400);
        assertThat(badMode.json().path("details").path("field").asText()).isEqualTo("delivery");
        Http.Reply ftp = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"x\",\"delivery\":\"push\","
                + "\"endpoint\":\"ftp://127.0.0.1/x\"}");
        assertThat(ftp.status()).isEqualTo(400);
        assertThat(Http.get(MESH.url("/api/v1/agents/" + id)).status()).isEqualTo(404);
    }
}
