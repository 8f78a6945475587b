package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Active health checks against a small HTTP agent: hysteresis both ways, history, the health topic
 * and the router acting on it, timeouts, flapping, reset, manual override, live settings.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class HealthMonitorIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(
            MeshApp.set("monitor.checkInterval", "300ms"),
            MeshApp.set("monitor.checkTimeout", "250ms"),
            MeshApp.set("monitor.unhealthyThreshold", "3"),
            MeshApp.set("monitor.healthyThreshold", "2"),
            MeshApp.set("monitor.flappingThreshold", "4"),
            MeshApp.set("monitor.historyLimit", "10"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();
    static final String DEFAULTS = "{\"health_check_interval_ms\":300,\"health_check_timeout_ms\":250,"
            + "\"unhealthy_threshold\":3,\"healthy_threshold\":2,\"flapping_threshold\":4}";

    private static Topics topics;

    @BeforeAll
    static void setUp() {
        topics = new Topics(TestInfra.get().bootstrapServers());
    }

    @AfterAll
    static void tearDown() {
        topics.close();
    }

    private static String register(AgentStub stub) {
        String id = "checked-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Reply r = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"Checked\","
                + "\"capabilities\":[\"" + id + "\"],\"endpoint\":\"" + stub.endpoint() + "\",\"health_url\":\"" + stub.endpoint() + "/health\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return id;
    }

    private static JsonNode health(String id) {
        Http.Reply r = Http.get(MESH.url("/api/v1/agents/" + id + "/health"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode history(String id) {
        return Http.get(MESH.url("/api/v1/agents/" + id + "/health/history?limit=1000")).json().path("events");
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(30, SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> health(id).path("status").asText().equals(status));
    }

    @Test
    void checksTurnAnAgentUnhealthyAndBackWithHysteresisAndTheRouterFollows() throws Exception {
        try (AgentStub stub = new AgentStub()) {
            String id = register(stub);
            assertThat(health(id).path("health_url").asText()).isEqualTo(stub.endpoint() + "/health");
            awaitStatus(id, "healthy");
            assertThat(health(id).path("consecutive_successes").asInt()).isGreaterThanOrEqualTo(2);

            // failing: one or two failures are not enough (threshold 3)
            stub.set(AgentStub.Mode.FAILING);
            List<JsonNode> seen = new ArrayList<>();
            await().atMost(30, SECONDS).pollInterval(Duration.ofMillis(30)).until(() -> {
                JsonNode h = health(id);
                seen.add(h);
                return h.path("status").asText().equals("unhealthy");
            });
            assertThat(seen).filteredOn(h -> h.path("consecutive_failures").asInt() > 0
                            && h.path("consecutive_failures").asInt() < 3)
                    .allSatisfy(h -> assertThat(h.path("status").asText()).isEqualTo("healthy"));
            JsonNode sick = health(id);
            assertThat(sick.path("consecutive_failures").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(sick.path("last_error").asText()).isEqualTo("HTTP 500");
            JsonNode latest = history(id).get(0);
            assertThat(latest.path("source").asText()).isEqualTo("check");
            assertThat(latest.path("previous").asText()).isEqualTo("healthy");
            assertThat(latest.path("status").asText()).isEqualTo("unhealthy");
            assertThat(latest.path("reason").asText()).contains("3 consecutive failed checks");

            // the router reads mesh.health: an anycast message waits for a healthy agent, while a
            // message addressed to the agent goes to its inbox (health never withholds its mail)
            List<ConsumerRecord<byte[], byte[]>> healthTopic = topics.readUntil(MESH.topic("health"),
                    rs -> rs.stream().anyMatch(r -> id.equals(key(r)) && value(r).contains("\"unhealthy\"")),
                    Duration.ofSeconds(10));
            assertThat(healthTopic).anyMatch(r -> id.equals(key(r)) && value(r).contains("\"unhealthy\""));
            String msg = "while-sick-" + UUID.randomUUID();
            assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"capability:" + id + "\",\"id\":\"" + msg
                    + "\",\"payload\":{},\"max_attempts\":30}").status()).isEqualTo(202);
            await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/messages/" + msg)).body()
                    .contains("NO_HEALTHY_AGENT"));
            // the routing table says what the router does: not chosen while unhealthy, direct mail still lands
            JsonNode row = await().atMost(10, SECONDS).until(() -> tableRow(id), java.util.Objects::nonNull);
            assertThat(row.path("health").asText()).isEqualTo("unhealthy");
            assertThat(row.path("routable").asBoolean()).isFalse();
            assertThat(row.path("direct_messages").asText()).isEqualTo("inbox");
            String direct = "direct-while-sick-" + UUID.randomUUID();
            assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + id + "\",\"id\":\"" + direct
                    + "\",\"payload\":{}}").status()).isEqualTo(202);
            await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/messages/" + direct)).body()
                    .contains("\"routed\""));

            // a timeout is a failure too
            stub.set(AgentStub.Mode.SLOW);
            await().atMost(30, SECONDS).until(() -> health(id).path("last_error").asText().contains("no answer within 250 ms"));

            // healthy again after two good checks, and the waiting message is delivered
            stub.set(AgentStub.Mode.HEALTHY);
            awaitStatus(id, "healthy");
            assertThat(health(id).path("consecutive_successes").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(history(id).get(0).path("reason").asText()).contains("2 consecutive good checks");
            await().atMost(60, SECONDS).until(() -> Http.get(MESH.url("/api/v1/agents/" + id + "/messages?wait=2"))
                    .ids().containsAll(List.of(direct, msg)));

            JsonNode all = Http.get(MESH.url("/api/v1/health/all")).json();
            assertThat(all.path("agents").findValuesAsText("agent_id")).contains(id);
            assertThat(all.path("summary").path("healthy").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(all.path("monitor").path("settings").path("health_check_interval_ms").asInt()).isEqualTo(300);
            assertThat(Http.get(MESH.url("/api/v1/health/all?status=healthy")).json().path("agents")
                    .findValuesAsText("status")).containsOnly("healthy");
            assertThat(Http.get(MESH.url("/api/v1/health/all?status=great")).status()).isEqualTo(400);
            String metrics = Http.get(MESH.url("/metrics")).body();
            assertThat(metrics).containsPattern("mesh_agent_status_changes_total [1-9]");
        }
    }

    @Test
    void flappingIsDetectedHistoryIsBoundedAndResetStartsOver() {
        try (AgentStub stub = new AgentStub()) {
            Http.Reply changed = Http.put(MESH.url("/api/v1/config"),
                    "{\"unhealthy_threshold\":1,\"healthy_threshold\":1,\"flapping_threshold\":3}");
            assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            String id = register(stub);
            stub.set(AgentStub.Mode.ALTERNATING);
            awaitStatus(id, "flapping");
            JsonNode h = health(id);
            assertThat(h.path("flapping").asBoolean()).isTrue();
            assertThat(history(id)).anyMatch(e -> e.path("source").asText().equals("flapping")
                    && e.path("reason").asText().contains("verdict changes within a minute"));
            // the router still treats a flapping agent as eligible; the history stays bounded (limit 10)
            await().atMost(30, SECONDS).until(() -> history(id).size() == 10);
            stub.set(AgentStub.Mode.HEALTHY);

            Http.Reply reset = Http.post(MESH.url("/api/v1/health/reset?agent_id=" + id), "");
            assertThat(reset.status()).as(reset.body()).isEqualTo(200);
            assertThat(reset.json().path("reset").asInt()).isEqualTo(1);
            awaitStatus(id, "healthy");
            assertThat(health(id).path("flapping").asBoolean()).isFalse();
            assertThat(history(id)).anyMatch(e -> e.path("source").asText().equals("reset"));
            assertThat(Http.post(MESH.url("/api/v1/health/reset?agent_id=Not_Valid"), "").status()).isEqualTo(400);
        } finally {
            assertThat(Http.put(MESH.url("/api/v1/config"), DEFAULTS).status()).isEqualTo(200);
        }
    }

    @Test
    void aManualOverrideWinsUntilItExpiresOrIsCleared() throws Exception {
        try (AgentStub stub = new AgentStub()) {
            String id = register(stub);
            awaitStatus(id, "healthy");
            Http.Reply o = Http.put(MESH.url("/api/v1/agents/" + id + "/health"),
                    "{\"status\":\"unhealthy\",\"reason\":\"maintenance window\",\"expires_in_seconds\":3}");
            assertThat(o.status()).as(o.body()).isEqualTo(200);
            assertThat(o.json().path("status").asText()).isEqualTo("unhealthy");
            assertThat(o.json().path("override").path("reason").asText()).isEqualTo("maintenance window");
            Thread.sleep(1000);
            JsonNode during = health(id);
            assertThat(during.path("status").asText()).as("checks keep passing, the override holds").isEqualTo("unhealthy");
            assertThat(during.path("check_status").asText()).isEqualTo("healthy");
            awaitStatus(id, "healthy");
            assertThat(history(id).findValuesAsText("source")).contains("override", "override-expired");

            // the runbook's body: no reason, no expiry; DELETE gives the checks back the say
            stub.set(AgentStub.Mode.FAILING);
            awaitStatus(id, "unhealthy");
            Http.Reply runbook = Http.put(MESH.url("/api/v1/agents/" + id + "/health"), "{\"status\": \"healthy\"}");
            assertThat(runbook.status()).as(runbook.body()).isEqualTo(200);
            assertThat(runbook.json().path("status").asText()).isEqualTo("healthy");
            assertThat(runbook.json().path("override").path("until").isNull()).isTrue();
            Thread.sleep(600);
            assertThat(health(id).path("status").asText()).isEqualTo("healthy");
            Http.Reply cleared = Http.delete(MESH.url("/api/v1/agents/" + id + "/health"));
            assertThat(cleared.status()).isEqualTo(200);
            assertThat(cleared.json().path("status").asText()).isEqualTo("unhealthy");
            assertThat(history(id).findValuesAsText("source")).contains("override-cleared");

            for (String bad : new String[]{"{\"status\":\"sleeping\"}", "{}", "{\"status\":\"healthy\",\"ttl\":3}",
                    "{\"status\":\"healthy\",\"expires_in_seconds\":0}",
                    "{\"status\":\"healthy\",\"expires_in_seconds\":1.5}",
                    "{\"status\":\"healthy\",\"expires_in_seconds\":5,\"expires_at\":\"2099-01-01T00:00:00Z\"}",
                    "{\"status\":\"healthy\",\"expires_at\":\"2001-01-01T00:00:00Z\"}",
                    "{\"status\":\"healthy\",\"expires_at\":\"tomorrow\"}", "not json"}) {
                Http.Reply r = Http.put(MESH.url("/api/v1/agents/" + id + "/health"), bad);
                assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
            }
            assertThat(Http.put(MESH.url("/api/v1/agents/nobody-here/health"), "{\"status\":\"healthy\"}").status())
                    .isEqualTo(404);
            assertThat(health(id).path("override").isNull()).isTrue();
        }
    }

    @Test
    void settingsAreShownValidatedAndChangedLive() {
        try {
            JsonNode shown = Http.get(MESH.url("/api/v1/config/health-checks")).json();
            assertThat(shown.path("health_check_interval_ms").asInt()).isEqualTo(300);
            assertThat(shown.path("health_check_timeout_ms").asInt()).isEqualTo(250);
            assertThat(shown.path("defaults").path("unhealthy_threshold").asInt()).isEqualTo(3);
            for (String bad : new String[]{"{\"health_check_interval_ms\":1000,\"health_check_timeout_ms\":1000}",
                    "{\"health_check_timeout_ms\":-5}", "{\"health_check_interval_ms\":-1}",
                    "{\"unhealthy_threshold\":0}", "{\"flapping_threshold\":5000}", "{\"health_check_interval_ms\":\"30000\"}",
                    "{\"health_check_interval_ms\":1.5}", "{\"interval\":30000}", "{}", "[1]", "nope"}) {
                Http.Reply r = Http.put(MESH.url("/api/v1/config"), bad);
                assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
                assertThat(r.code()).isIn("INVALID_REQUEST", "MALFORMED_JSON");
            }
            assertThat(Http.get(MESH.url("/api/v1/config/health-checks")).json().path("health_check_interval_ms").asInt())
                    .isEqualTo(300);

            // the runbook's call
            Http.Reply ok = Http.put(MESH.url("/api/v1/config"),
                    "{\"health_check_interval_ms\": 30000, \"health_check_timeout_ms\": 10000}");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            JsonNode now = Http.get(MESH.url("/api/v1/config/health-checks")).json();
            assertThat(now.path("health_check_interval_ms").asInt()).isEqualTo(30000);
            assertThat(now.path("health_check_timeout_ms").asInt()).isEqualTo(10000);
            assertThat(now.path("source").asText()).isIn("api", "cluster");
            assertThat(now.path("updated_at").asText()).isNotBlank();
            assertThat(Http.get(MESH.url("/api/v1/cluster/status")).json().path("leader_chores")
                    .path("health-checks").path("every_ms").asInt()).isEqualTo(30000);
        } finally {
            assertThat(Http.put(MESH.url("/api/v1/config"), DEFAULTS).status()).isEqualTo(200);
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static String value(ConsumerRecord<byte[], byte[]> r) {
        return r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode tableRow(String id) {
        Http.Reply table = Http.get(MESH.url("/api/v1/routing/table"));
        if (table.status() != 200) {
            return null;
        }
        for (JsonNode a : table.json().path("agents")) {
            if (id.equals(a.path("id").asText())) {
                return a;
            }
        }
        return null;
    }
}
