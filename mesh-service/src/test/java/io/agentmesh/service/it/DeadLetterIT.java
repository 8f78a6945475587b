package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.awaitility.Awaitility.await;

/** Listing, inspecting and replaying dead letters, with the audit and the never-twice rule. */
@ExtendWith(DropwizardExtensionsSupport.class)
class DeadLetterIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
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

    private static String send(String to, String from, String payload) {
        Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + to + "\",\"from\":\"" + from
                + "\",\"payload\":" + payload + ",\"max_attempts\":1}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().path("id").asText();
    }

    private static Http.Reply replay(String operator, String body) {
        return Http.send(HttpRequest.newBuilder(URI.create(MESH.url("/api/v1/queues/dlq/retry")))
                .header("Content-Type", "application/json").header("X-Mesh-Operator", operator)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static List<String> messageIds(JsonNode deadLetters) {
        List<String> ids = new ArrayList<>();
        deadLetters.forEach(d -> ids.add(d.path("message").path("id").asText()));
        return ids;
    }

    @Test
    void listInspectReplayOnceEditAndAudit() throws Exception {
        String cap = "dlq-" + UUID.randomUUID().toString().substring(0, 6);
        String target = "capability:" + cap;
        String m1 = send(target, "alice-agent", "{\"n\":1}");
        String m2 = send(target, "bob-agent", "{\"n\":2}");
        String m3 = send(target, "bob-agent", "{\"n\":3}");

        // 1. listing, filters, paging
        await().atMost(30, SECONDS).until(() ->
                Http.get(MESH.url("/api/v1/queues/dlq?target=" + target)).json().path("count").asInt() == 3);
        JsonNode listed = Http.get(MESH.url("/api/v1/queues/dlq?target=" + target)).json();
        assertThat(messageIds(listed.path("dead_letters"))).containsExactlyInAnyOrder(m1, m2, m3);
        JsonNode first = listed.path("dead_letters").get(0);
        assertThat(first.path("reason").asText()).isEqualTo("NO_HEALTHY_AGENT");
        assertThat(first.path("attempts").asInt()).isEqualTo(1);
        assertThat(first.path("origin").asText()).startsWith(MESH.topic("ingress") + "-");
        assertThat(first.path("message").path("to").asText()).isEqualTo(target);
        assertThat(Http.get(MESH.url("/api/v1/queues/dlq?target=" + target + "&from=alice-agent")).json()
                .path("count").asInt()).isEqualTo(1);
        assertThat(Http.get(MESH.url("/api/v1/queues/dlq?target=" + target + "&reason=EXPIRED")).json()
                .path("count").asInt()).isZero();
        assertThat(Http.get(MESH.url("/api/v1/queues/dlq?target=" + target + "&since="
                + Instant.now().plusSeconds(3600))).json().path("count").asInt()).isZero();
        JsonNode page1 = Http.get(MESH.url("/api/v1/queues/dlq?target=" + target + "&limit=2")).json();
        assertThat(page1.path("count").asInt()).isEqualTo(2);
        String cursor = page1.path("next_cursor").asText();
        assertThat(cursor).isNotBlank();
        JsonNode page2 = Http.get(MESH.url("/api/v1/queues/dlq?target=" + target + "&limit=2&cursor=" + cursor)).json();
        List<String> paged = new ArrayList<>(messageIds(page1.path("dead_letters")));
        paged.addAll(messageIds(page2.path("dead_letters")));
        assertThat(paged).containsExactlyInAnyOrder(m1, m2, m3);

        String dlq1 = listed.path("dead_letters").findParents("dlq_id").stream()
                .filter(d -> d.path("message").path("id").asText().equals(m1)).findFirst().orElseThrow().path("dlq_id").asText();
        String dlq2 = listed.path("dead_letters").findParents("dlq_id").stream()
                .filter(d -> d.path("message").path("id").asText().equals(m2)).findFirst().orElseThrow().path("dlq_id").asText();
        assertThat(Http.get(MESH.url("/api/v1/queues/dlq/" + dlq1)).json().path("message").path("id").asText()).isEqualTo(m1);
        assertThat(Http.get(MESH.url("/api/v1/messages/failed?limit=500")).body()).contains(m1, m2, m3);

        // 2. a dry run changes nothing
        Http.Reply dry = replay("alice", "{\"ids\":[\"" + dlq1 + "\"],\"dry_run\":true}");
        assertThat(dry.status()).as(dry.body()).isEqualTo(200);
        assertThat(dry.json().path("would_replay").asInt()).isEqualTo(1);
        assertThat(dry.json().has("replayed")).as("a dry run replays nothing").isFalse();
        assertThat(dry.json().path("dry_run").asBoolean()).isTrue();
        assertThat(auditRows("alice")).isZero();

        // 3. the agent appears; replay by id delivers, with the same id
        String agent = "fixer-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"F\",\"capabilities\":[\""
                + cap + "\"]}").status()).isEqualTo(201);
        Http.Reply once = replay("alice", "{\"ids\":[\"" + dlq1 + "\"]}");
        assertThat(once.status()).as(once.body()).isEqualTo(200);
        assertThat(once.json().path("replayed").asInt()).isEqualTo(1);
        List<ConsumerRecord<byte[], byte[]>> inbox = topics.readUntil(MESH.topic("agent." + agent), rs -> !rs.isEmpty(), Duration.ofSeconds(30));
        assertThat(Topics.header(inbox.get(0), MeshHeaders.ID)).isEqualTo(m1);
        assertThat(Topics.header(inbox.get(0), "ce_meshreplayof")).isEqualTo(dlq1);
        assertThat(inbox.get(0).headers().lastHeader(MeshHeaders.DLQ_REASON)).isNull();

        // 4. never twice, unless forced (a forced replay is another replay: it arrives again)
        Http.Reply twice = replay("alice", "{\"ids\":[\"" + dlq1 + "\"]}");
        assertThat(twice.json().path("replayed").asInt()).isZero();
        assertThat(twice.json().path("skipped_already_replayed").asInt()).isEqualTo(1);
        assertThat(replay("alice", "{\"ids\":[\"" + dlq1 + "\"],\"force\":true}").json().path("replayed").asInt()).isEqualTo(1);

        // 5. replay with an edited payload (holding a NUL, as a message payload may: the audit row keeps it escaped)
        Http.Reply edited = replay("bob", "{\"ids\":[\"" + dlq2 + "\"],\"edit\":{\"payload\":{\"fixed\":true,"
                + "\"note\":\"a\\u0000b\"}}}");
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        assertThat(edited.json().path("replayed").asInt()).isEqualTo(1);

        // 6. replay by filter takes the one left, skipping the two replayed
        Http.Reply byFilter = replay("bob", "{\"filter\":{\"target\":\"" + target + "\"}}");
        assertThat(byFilter.json().path("selected").asInt()).isEqualTo(3);
        assertThat(byFilter.json().path("replayed").asInt()).isEqualTo(1);
        assertThat(byFilter.json().path("skipped_already_replayed").asInt()).isEqualTo(2);

        List<ConsumerRecord<byte[], byte[]>> all = topics.readUntil(MESH.topic("agent." + agent), rs -> rs.size() >= 4, Duration.ofSeconds(30));
        Thread.sleep(1000);
        all = topics.readUntil(MESH.topic("agent." + agent), rs -> false, Duration.ofSeconds(1));
        assertThat(all).extracting(r -> Topics.header(r, MeshHeaders.ID)).containsExactlyInAnyOrder(m1, m1, m2, m3);
        ConsumerRecord<byte[], byte[]> fixed = all.stream().filter(r -> m2.equals(Topics.header(r, MeshHeaders.ID))).findFirst().orElseThrow();
        assertThat(new String(fixed.value(), StandardCharsets.UTF_8)).isEqualTo("{\"fixed\":true,\"note\":\"a\\u0000b\"}");

        assertThat(auditRows("alice")).isEqualTo(3);
        assertThat(auditRows("bob")).isEqualTo(2);
    }

    @Test
    void timesReasonsAndExpiredMessagesAreWhatAnOperatorExpects() throws Exception {
        String cap = "late-" + UUID.randomUUID().toString().substring(0, 6);
        Instant sent = Instant.now();
        // two attempts 50 ms apart: dead-lettered as MAX_ATTEMPTS with the cause, after it was accepted
        Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"capability:" + cap + "\",\"payload\":1,"
                + "\"max_attempts\":2,\"retry_delay_ms\":50}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String retried = r.json().path("id").asText();
        Http.Reply e = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"capability:" + cap + "\",\"payload\":2,"
                + "\"expires_at\":\"" + Instant.now().plusMillis(800) + "\"}");
        String expiring = e.json().path("id").asText();
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/queues/dlq?target=capability:" + cap)).json()
                .path("count").asInt() == 2);
        JsonNode dead = Http.get(MESH.url("/api/v1/queues/dlq?target=capability:" + cap)).json().path("dead_letters");
        JsonNode maxed = dead.findParents("dlq_id").stream()
                .filter(d -> d.path("message").path("id").asText().equals(retried)).findFirst().orElseThrow();
        assertThat(maxed.path("reason").asText()).isEqualTo("MAX_ATTEMPTS");
        assertThat(maxed.path("cause").asText()).isEqualTo("NO_HEALTHY_AGENT");
        // the time it was dead-lettered, not the time it was accepted
        Instant at = Instant.parse(maxed.path("dead_lettered_at").asText());
        assertThat(at).isAfter(Instant.parse(maxed.path("message").path("time").asText()));
        assertThat(at).isAfterOrEqualTo(sent.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        // the time filter goes by it, and a reason filter finds the cause too
        assertThat(Http.get(MESH.url("/api/v1/queues/dlq?target=capability:" + cap + "&since=" + at.minusMillis(1)))
                .json().path("count").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(messageIds(Http.get(MESH.url("/api/v1/queues/dlq?target=capability:" + cap + "&reason=NO_HEALTHY_AGENT"))
                .json().path("dead_letters"))).contains(retried);

        // an expired message is not replayed as it is: it would only expire again
        String expiredId = dead.findParents("dlq_id").stream()
                .filter(d -> d.path("message").path("id").asText().equals(expiring)).findFirst().orElseThrow()
                .path("dlq_id").asText();
        Http.Reply refused = replay("carol", "{\"ids\":[\"" + expiredId + "\"]}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("details").path("field").asText()).isEqualTo("edit.expires_at");
        Http.Reply cleared = replay("carol", "{\"ids\":[\"" + expiredId + "\"],\"edit\":{\"expires_at\":null}}");
        assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
        assertThat(cleared.json().path("replayed").asInt()).isEqualTo(1);
    }

    @Test
    void badReplayAndListingRequestsChangeNothing() throws Exception {
        Map<String, Long> before = topics.endOffsets(MESH.prefix() + ".");
        long rowsBefore = auditRows("mallory");
        assertSoftly(soft -> {
            for (var c : List.of(
                    new Object[]{"{}", 400},
                    new Object[]{"{\"ids\":[\"0-0\"],\"all\":true}", 400},
                    new Object[]{"{\"filter\":{}}", 400},
                    new Object[]{"{\"ids\":[\"999-999\"]}", 404},
                    new Object[]{"{\"ids\":[\"nonsense\"]}", 400},
                    new Object[]{"{\"filter\":{\"reason\":\"SOMETIMES\"}}", 400},
                    new Object[]{"{\"filter\":{\"since\":\"yesterday\"}}", 400},
                    new Object[]{"{\"filter\":{\"since\":\"2026-01-02T00:00:00Z\",\"until\":\"2026-01-01T00:00:00Z\"}}", 400},
                    new Object[]{"{\"all\":true,\"edit\":{\"to\":\"nowhere:x\"}}", 400},
                    new Object[]{"{\"all\":true,\"max\":0}", 400},
                    new Object[]{"{\"all\":\"yes\"}", 400})) {
                Http.Reply r = replay("mallory", (String) c[0]);
                soft.assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(c[1]);
                soft.assertThat(r.json().path("code").asText()).as((String) c[0]).isNotBlank();
            }
            for (String q : List.of("reason=NOPE", "since=today", "cursor=bm9wZQ", "limit=0", "target=smoke:x")) {
                Http.Reply r = Http.get(MESH.url("/api/v1/queues/dlq?" + q));
                soft.assertThat(r.status()).as(q + " -> " + r.body()).isEqualTo(400);
            }
            soft.assertThat(Http.get(MESH.url("/api/v1/queues/dlq/5-999999")).status()).isEqualTo(404);
        });
        assertThat(topics.endOffsets(MESH.prefix() + ".")).isEqualTo(before);
        assertThat(auditRows("mallory")).isEqualTo(rowsBefore);
    }

    /** The dead letter of message {@code id} on target {@code target}, once it is there. */
    private static String deadLetterOf(String target, String id) {
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/queues/dlq?target=" + target)).body().contains(id));
        return Http.get(MESH.url("/api/v1/queues/dlq?target=" + target)).json().path("dead_letters").findParents("dlq_id")
                .stream().filter(d -> d.path("message").path("id").asText().equals(id)).findFirst().orElseThrow()
                .path("dlq_id").asText();
    }

    /** A guard row as a replay elsewhere left it: under DLQ topic id {@code topicId} ('' = before topic ids were kept). */
    private static void replayedBefore(String topicId, String dlqId, String messageId) throws Exception {
        String[] at = dlqId.split("-");
        try (var c = DriverManager.getConnection(TestInfra.get().databaseUrl(), TestInfra.PG_USER, "")) {
            long replay;
            try (var s = c.prepareStatement("INSERT INTO dlq_replays (requested_by, request, replayed, skipped, dry_run, "
                    + "forced) VALUES ('elsewhere', '{}', 1, 0, false, false) RETURNING id");
                 var rs = s.executeQuery()) {
                rs.next();
                replay = rs.getLong(1);
            }
            try (var s = c.prepareStatement("INSERT INTO dlq_replayed (dlq_topic_id, dlq_partition, dlq_offset, message_id, "
                    + "replay_id) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, topicId);
                s.setInt(2, Integer.parseInt(at[0]));
                s.setLong(3, Long.parseLong(at[1]));
                s.setString(4, messageId);
                s.setLong(5, replay);
                s.executeUpdate();
            }
        }
    }

    @Test
    void aDeadLetterIsKnownByItsTopicNotOnlyByItsPosition() throws Exception {
        String cap = "moved-" + UUID.randomUUID().toString().substring(0, 6);
        String target = "capability:" + cap;
        String fresh = send(target, "mover", "{\"n\":1}");
        String dlqFresh = deadLetterOf(target, fresh);
        // the same position was replayed on another Kafka cluster (or a DLQ topic since re-created)
        replayedBefore("another-cluster-topic-id", dlqFresh, "some-other-message");
        Http.Reply r = replay("carol", "{\"ids\":[\"" + dlqFresh + "\"],\"dry_run\":true}");
        assertThat(r.json().path("would_replay").asInt()).as(r.body()).isEqualTo(1);
        assertThat(r.json().path("skipped_already_replayed").asInt()).isZero();
        // a row written before topic ids were kept still guards the same message at the same place
        replayedBefore("", dlqFresh, fresh);
        Http.Reply legacy = replay("carol", "{\"ids\":[\"" + dlqFresh + "\"],\"dry_run\":true}");
        assertThat(legacy.json().path("skipped_already_replayed").asInt()).as(legacy.body()).isEqualTo(1);
    }

    private static long auditRows(String operator) throws Exception {
        try (var c = DriverManager.getConnection(TestInfra.get().databaseUrl(), TestInfra.PG_USER, "");
             var s = c.prepareStatement("SELECT count(*) FROM dlq_replays WHERE requested_by = ?")) {
            s.setString(1, operator);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
