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
import java.util.List;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registry over an agent's life: expiry after missed heartbeats (and revival by a heartbeat),
 * ownership of ids, A2A AgentCards, inbox retention after deregistration, and what it refuses.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RegistryLifecycleIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(
            MeshApp.set("monitor.expirySweepInterval", "200ms"),
            MeshApp.set("monitor.deregisteredInboxRetention", "2s"));
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

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String status(String id) {
        return Http.get(MESH.url("/api/v1/agents/" + id)).json().path("status").asText();
    }

    @Test
    void missedHeartbeatsExpireAnAgentAndAHeartbeatRevivesIt() {
        String quick = id("quick");
        String steady = id("steady");
        Http.Reply r = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + quick + "\",\"name\":\"Quick\","
                + "\"capabilities\":[\"expiry-test\"],\"heartbeat_ttl_ms\":1500}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("heartbeat_ttl_ms").asLong()).isEqualTo(1500);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + steady + "\",\"name\":\"Steady\","
                + "\"heartbeat_ttl_ms\":1500}").status()).isEqualTo(201);

        // steady keeps beating, quick does not: only quick expires
        long until = System.currentTimeMillis() + 4000;
        while (System.currentTimeMillis() < until) {
            assertThat(Http.post(MESH.url("/api/v1/agents/" + steady + "/heartbeat"), "").status()).isEqualTo(200);
            sleep(300);
        }
        await().atMost(10, SECONDS).until(() -> status(quick).equals("expired"));
        assertThat(status(steady)).isEqualTo("active");

        // the change is on the registry topic, the live entry is gone, discovery says expired
        List<ConsumerRecord<byte[], byte[]>> registry = topics.readUntil(MESH.topic("registry"),
                rs -> rs.stream().anyMatch(x -> quick.equals(key(x)) && x.value() != null
                        && new String(x.value(), StandardCharsets.UTF_8).contains("\"expired\"")), Duration.ofSeconds(10));
        assertThat(registry).isNotEmpty();
        assertThat(Http.get(MESH.url("/api/v1/discover?capability=expiry-test")).json().path("agents")
                .findValuesAsText("id")).doesNotContain(quick);
        assertThat(Http.get(MESH.url("/api/v1/discover?capability=expiry-test&status=expired")).json().path("agents")
                .findValuesAsText("id")).contains(quick);
        assertThat(Http.get(MESH.url("/api/v1/agents/count")).json().path("by_status").path("expired").asLong())
                .isGreaterThanOrEqualTo(1);

        // a message to an expired agent is accepted (it may come back) and waits in retry
        String parked = "to-expired-" + UUID.randomUUID();
        Http.Reply sent = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + quick + "\",\"id\":\"" + parked
                + "\",\"payload\":{},\"max_attempts\":20}");
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);

        // its heartbeat makes it active again, and the parked message reaches it
        Http.Reply beat = Http.post(MESH.url("/api/v1/agents/" + quick + "/heartbeat"), "");
        assertThat(beat.status()).as(beat.body()).isEqualTo(200);
        assertThat(beat.json().path("status").asText()).isEqualTo("active");
        assertThat(status(quick)).isEqualTo("active");
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/agents/" + quick + "/messages?wait=2"))
                .ids().contains(parked));
    }

    @Test
    void anIdWithAnOwnerCannotBeTakenByAnotherOwner() {
        String id = id("owned");
        String body = "{\"id\":\"" + id + "\",\"name\":\"Owned\",\"owner\":\"team-a\"}";
        assertThat(Http.post(MESH.url("/api/v1/agents"), body).status()).isEqualTo(201);
        Http.Reply other = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"Thief\",\"owner\":\"team-b\"}");
        assertThat(other.status()).as(other.body()).isEqualTo(409);
        assertThat(other.code()).isEqualTo("AGENT_ID_TAKEN");
        Http.Reply anonymous = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"Thief\"}");
        assertThat(anonymous.status()).isEqualTo(409);
        Http.Reply put = Http.put(MESH.url("/api/v1/agents/" + id), "{\"name\":\"Thief\",\"owner\":\"team-b\"}");
        assertThat(put.status()).isEqualTo(409);
        assertThat(Http.get(MESH.url("/api/v1/agents/" + id)).json().path("name").asText()).isEqualTo("Owned");
        // the owner may re-register it
        Http.Reply same = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"Owned 2\",\"owner\":\"team-a\"}");
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().path("owner").asText()).isEqualTo("team-a");
        // deregistering follows the same rule
        assertThat(Http.delete(MESH.url("/api/v1/agents/" + id)).status()).isEqualTo(409);
        assertThat(Http.delete(MESH.url("/api/v1/agents/" + id + "?owner=team-b")).code()).isEqualTo("AGENT_ID_TAKEN");
        assertThat(Http.delete(MESH.url("/api/v1/agents/" + id + "?owner=team-a")).status()).isEqualTo(200);
    }

    @Test
    void registersFromAnA2aAgentCardAndServesTheCardBack() {
        String id = id("carded");
        String card = "{\"name\":\"Trip Planner\",\"description\":\"Plans trips\",\"version\":\"1.2.0\","
                + "\"url\":\"http://127.0.0.1:4100/a2a\",\"capabilities\":{\"streaming\":true},"
                + "\"skills\":[{\"id\":\"route-optimizer\",\"name\":\"Route optimizer\",\"tags\":[\"Travel Planning\",\"maps\"]},"
                + "{\"id\":\"booking\",\"name\":\"Booking\"}]}";
        Http.Reply r = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"card\":" + card + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("name").asText()).isEqualTo("Trip Planner");
        assertThat(r.json().path("endpoint").asText()).isEqualTo("http://127.0.0.1:4100/a2a");
        assertThat(r.json().path("has_card").asBoolean()).isTrue();
        assertThat(r.json().path("capabilities").toString())
                .isEqualTo("[\"route-optimizer\",\"travel-planning\",\"maps\",\"booking\"]");
        assertThat(Http.get(MESH.url("/api/v1/discover?capability=travel-planning")).json().path("agents")
                .findValuesAsText("id")).contains(id);

        JsonNode served = Http.get(MESH.url("/api/v1/agents/" + id + "/card")).json();
        assertThat(served.path("version").asText()).isEqualTo("1.2.0");
        assertThat(served.path("capabilities").path("streaming").asBoolean()).isTrue();
        assertThat(served.path("skills").get(0).path("tags").get(0).asText()).isEqualTo("Travel Planning");

        // an agent registered without a card gets one made from its registration
        String plain = id("plain");
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + plain + "\",\"name\":\"Plain\","
                + "\"endpoint\":\"http://127.0.0.1:4101\",\"capabilities\":[\"chat\"]}").status()).isEqualTo(201);
        JsonNode made = Http.get(MESH.url("/api/v1/agents/" + plain + "/card")).json();
        assertThat(made.path("name").asText()).isEqualTo("Plain");
        assertThat(made.path("url").asText()).isEqualTo("http://127.0.0.1:4101");
        assertThat(made.path("skills").get(0).path("id").asText()).isEqualTo("chat");
        assertThat(Http.get(MESH.url("/api/v1/agents/nobody-" + UUID.randomUUID().toString().substring(0, 4) + "/card"))
                .status()).isEqualTo(404);
    }

    @Test
    void aDeregisteredAgentsInboxIsKeptForTheRetentionThenDeleted() throws Exception {
        String id = id("leaving");
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"Leaving\"}").status()).isEqualTo(201);
        String inbox = MESH.topic("agent." + id);
        topics.awaitListed(inbox);
        assertThat(Http.delete(MESH.url("/api/v1/agents/" + id)).status()).isEqualTo(200);
        assertThat(topics.names(MESH.topic("agent."))).as("kept right after deregistration").contains(inbox);
        await().atMost(30, SECONDS).until(() -> !topics.names(MESH.topic("agent.")).contains(inbox));
        // registering again brings the inbox back
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"Back\"}").status()).isEqualTo(200);
        // the controller has it when the registration answers; the broker's topic list a moment later
        // (right after a deletion of the same name this once took longer than the list call)
        topics.awaitListed(inbox);
    }

    @Test
    void badRegistrationsAreRefusedAndNothingIsStored() {
        String id = id("bad");
        String[][] cases = {
                {"{\"id\":\"" + id + "\",\"name\":\"x\",\"heartbeat_ttl_ms\":10}", "heartbeat_ttl_ms"},
                {"{\"id\":\"" + id + "\",\"name\":\"x\",\"heartbeat_ttl_ms\":-1}", "heartbeat_ttl_ms"},
                {"{\"id\":\"" + id + "\",\"name\":\"x\",\"owner\":\"has space\"}", "owner"},
                {"{\"id\":\"" + id + "\",\"card\":{\"description\":\"no name\"}}", "card.name"},
                {"{\"id\":\"" + id + "\",\"card\":{\"name\":\"x\",\"skills\":\"all\"}}", "card.skills"},
                {"{\"id\":\"" + id + "\",\"card\":{\"name\":\"x\",\"skills\":[{\"name\":\"no id\"}]}}", "card.skills[0].id"},
                {"{\"id\":\"" + id + "\",\"card\":{\"name\":\"x\",\"skills\":[{\"id\":\"a\",\"tags\":[1]}]}}", "card.skills[0].tags"},
                {"{\"id\":\"" + id + "\",\"card\":{\"name\":\"x\",\"url\":\"not a url\"}}", "endpoint"},
                {"{\"id\":\"" + id + "\",\"name\":\"\"}", "name"},
                {"{\"id\":\"Bad_Id\",\"name\":\"x\"}", "id"},
        };
        for (String[] c : cases) {
            Http.Reply r = Http.post(MESH.url("/api/v1/agents"), c[0]);
            assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().path("details").path("field").asText()).as(r.body()).isEqualTo(c[1]);
        }
        assertThat(Http.get(MESH.url("/api/v1/agents/" + id)).status()).isEqualTo(404);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }
}
