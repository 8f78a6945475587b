package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The message log read from mesh.events: recent messages, one message's life, the NDJSON export. */
@ExtendWith(DropwizardExtensionsSupport.class)
class MessageLogIT {

    // replays slow enough to overlap (the bound on replays running at once is tested below)
    static final MeshApp MESH = MeshApp.onSharedBroker(MeshApp.set("messages.replayRatePerSecond", "10"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static List<String> events(JsonNode life) {
        List<String> out = new ArrayList<>();
        life.path("events").forEach(e -> out.add(e.path("event").asText()));
        return out;
    }

    @Test
    void aMessagesLifeRecentMessagesAndExport() {
        Instant start = Instant.now().minusSeconds(1);
        String agent = "log-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"L\"}").status()).isEqualTo(201);
        String id = "log-msg-" + UUID.randomUUID();
        for (int i = 0; i < 2; i++) {
            assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"id\":\"" + id + "\",\"payload\":1}")
                    .status()).isEqualTo(202);
        }
        String dead = Http.post(MESH.url("/api/v1/messages"),
                "{\"to\":\"capability:none-" + UUID.randomUUID().toString().substring(0, 4) + "\",\"payload\":1,\"max_attempts\":1}")
                .json().path("id").asText();

        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/messages/" + id)).status() == 200
                && events(Http.get(MESH.url("/api/v1/messages/" + id)).json()).size() == 3);
        Http.Reply polled = Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?wait=5"));
        assertThat(polled.ids()).containsExactly(id);
        Http.Reply acked = Http.post(MESH.url("/api/v1/agents/" + agent + "/messages/ack"),
                "{\"offsets\":" + polled.json().path("ack") + "}");
        assertThat(acked.status()).as(acked.body()).isEqualTo(200);
        await().atMost(30, SECONDS).until(() -> events(Http.get(MESH.url("/api/v1/messages/" + id)).json()).size() == 4);
        JsonNode life = Http.get(MESH.url("/api/v1/messages/" + id)).json();
        assertThat(events(life)).containsExactly("accepted", "routed", "deduplicated", "delivered");
        assertThat(life.path("events").get(1).path("agents").get(0).asText()).isEqualTo(agent);
        assertThat(life.path("events").get(3).path("via").asText()).isEqualTo("long-poll");
        assertThat(life.path("status").asText()).isEqualTo("delivered");

        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/messages/" + dead)).status() == 200);
        JsonNode deadLife = Http.get(MESH.url("/api/v1/messages/" + dead)).json();
        assertThat(deadLife.path("status").asText()).isEqualTo("dead_lettered");
        assertThat(deadLife.path("events").get(1).path("reason").asText()).isEqualTo("NO_HEALTHY_AGENT");

        JsonNode recent = Http.get(MESH.url("/api/v1/messages?limit=10")).json();
        List<String> recentIds = new ArrayList<>();
        recent.path("messages").forEach(m -> recentIds.add(m.path("id").asText()));
        assertThat(recentIds).contains(id, dead);
        // its latest state (delivered) still says where it went: carried from the routing event
        JsonNode latest = null;
        for (JsonNode m : recent.path("messages")) {
            if (m.path("id").asText().equals(id)) {
                latest = m;
            }
        }
        assertThat(latest.path("event").asText()).isEqualTo("delivered");
        assertThat(latest.path("to").asText()).isEqualTo("agent:" + agent);
        assertThat(latest.path("agents").get(0).asText()).isEqualTo(agent);

        Http.Reply export = Http.get(MESH.url("/api/v1/messages/export?since=" + start));
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        String[] lines = export.body().split("\n");
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
        assertThat(export.body()).contains(id, dead);
        // the ack is in the log too: by position, keyed by the agent
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/messages/export?since=" + start)).body()
                .lines().anyMatch(l -> l.contains("\"event\":\"acked\"") && l.contains("\"agent\":\"" + agent + "\"")
                        && l.contains("\"via\":\"rest\"")));
        assertThat(Http.get(MESH.url("/api/v1/messages/export?since=" + Instant.now().plusSeconds(60))).body()).isEmpty();
    }

    @Test
    void badQueriesAreRefused() {
        assertThat(Http.get(MESH.url("/api/v1/messages/no-such-message")).status()).isEqualTo(404);
        assertThat(Http.get(MESH.url("/api/v1/messages/has%20space")).status()).isEqualTo(400);
        assertThat(Http.get(MESH.url("/api/v1/messages?limit=0")).status()).isEqualTo(400);
        assertThat(Http.get(MESH.url("/api/v1/messages/export?since=yesterday")).status()).isEqualTo(400);
        assertThat(Http.get(MESH.url("/api/v1/messages/export?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z"))
                .status()).isEqualTo(400);
        assertThat(Http.get(MESH.url("/api/v1/messages/failed?limit=9999")).status()).isEqualTo(400);
    }

    @Test
    void dedupeReportsWhatItHoldsAndDropped() {
        String agent = "dd-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"D\"}").status()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"id\":\"same-" + agent + "\",\"payload\":1}");
        }
        await().atMost(30, SECONDS).until(() ->
                Http.post(MESH.url("/api/v1/messages/dedupe"), "").json().path("duplicates_dropped").path("count").asLong() >= 2);
        JsonNode report = Http.post(MESH.url("/api/v1/messages/dedupe"), "").json();
        assertThat(report.path("ids_held").asLong()).isPositive();
        assertThat(report.path("window").asText()).isEqualTo("PT10M");
    }

    @Test
    void anAgentsInboxWindowCanBePutInFrontOfItAgain() throws Exception {
        String agent = "rp-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"R\"}").status()).isEqualTo(201);
        Instant from = Instant.now().minusSeconds(1);
        List<String> early = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            early.add(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"payload\":" + i + "}").json().path("id").asText());
        }
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=100")).ids().size() == 3);
        Thread.sleep(1000);
        Instant to = Instant.now();
        Thread.sleep(200);
        Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"payload\":\"later\"}");
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=100")).ids().size() == 4);
        Http.Reply all = Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=100"));
        Http.post(MESH.url("/api/v1/agents/" + agent + "/messages/ack"), "{\"offsets\":" + all.json().path("ack") + "}");

        Http.Reply replay = Http.post(MESH.url("/api/v1/agents/" + agent + "/replay"),
                "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}");
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);
        assertThat(replay.json().path("replayed").asInt()).isEqualTo(3);

        Http.Reply again = Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=100&wait=5"));
        // the replay keeps the inbox's order (which need not be the send order of unrelated keys)
        assertThat(all.ids().subList(0, 3)).containsExactlyInAnyOrderElementsOf(early);
        assertThat(again.ids()).containsExactlyElementsOf(all.ids().subList(0, 3));
        assertThat(again.json().path("messages").get(0).path("attributes").has("meshreplayed")).isTrue();

        for (String[] c : new String[][]{{"{}", "400"}, {"{\"from\":\"" + to + "\",\"to\":\"" + from + "\"}", "400"},
                {"{\"from\":\"yesterday\",\"to\":\"" + to + "\"}", "400"}, {"{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"max\":0}", "400"}}) {
            assertThat(Http.post(MESH.url("/api/v1/agents/" + agent + "/replay"), c[0]).status()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
        }
        assertThat(Http.post(MESH.url("/api/v1/agents/nobody-rp/replay"), "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}")
                .status()).isEqualTo(404);
    }

    private static String agentWith(String prefix, int messages) {
        String agent = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"B\"}").status()).isEqualTo(201);
        for (int i = 0; i < messages; i++) {
            assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"key\":\"k\",\"payload\":" + i + "}")
                    .status()).isEqualTo(202);
        }
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=100"))
                .ids().size() == messages);
        return agent;
    }

    @Test
    void replaysRunningAtOnceAreBoundedAndOneAgentHasOneAtATime() throws Exception {
        Instant from = Instant.now().minusSeconds(1);
        String a = agentWith("rpa", 30);
        String b = agentWith("rpb", 30);
        String c = agentWith("rpc", 1);
        String window = "{\"from\":\"" + from + "\",\"to\":\"" + Instant.now().plusSeconds(1) + "\"}";
        // 30 messages at 10 a second: each of these runs about 3 s
        java.util.concurrent.CompletableFuture<Http.Reply> first = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> Http.post(MESH.url("/api/v1/agents/" + a + "/replay"), window));
        await().atMost(10, SECONDS).until(() -> Http.get(MESH.url("/metrics")).body().contains("mesh_work_inbox_replays_running 1.0"));
        Http.Reply sameAgent = Http.post(MESH.url("/api/v1/agents/" + a + "/replay"), window);
        assertThat(sameAgent.status()).as(sameAgent.body()).isEqualTo(409);
        java.util.concurrent.CompletableFuture<Http.Reply> second = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> Http.post(MESH.url("/api/v1/agents/" + b + "/replay"), window));
        await().atMost(10, SECONDS).until(() -> Http.get(MESH.url("/metrics")).body().contains("mesh_work_inbox_replays_running 2.0"));
        Http.Reply third = Http.post(MESH.url("/api/v1/agents/" + c + "/replay"), window);
        assertThat(third.status()).as(third.body()).isEqualTo(429);
        assertThat(third.json().path("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(third.raw().headers().firstValue("Retry-After")).isPresent();

        assertThat(first.get(60, java.util.concurrent.TimeUnit.SECONDS).json().path("replayed").asInt()).isEqualTo(30);
        assertThat(second.get(60, java.util.concurrent.TimeUnit.SECONDS).json().path("replayed").asInt()).isEqualTo(30);
        // once they are done, the next may run
        Http.Reply later = Http.post(MESH.url("/api/v1/agents/" + c + "/replay"), window);
        assertThat(later.status()).as(later.body()).isEqualTo(200);
    }
}
