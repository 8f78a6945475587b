package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Mail waits in the inbox: an agent addressed directly gets its messages whatever its heartbeat;
 * an agent that reads its topic with its own Kafka consumer counts as alive; expiry and health only
 * decide who is chosen for anycast; a parked message holds back only its own target; a push agent
 * without a health route keeps receiving.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LivenessIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(
            MeshApp.set("monitor.expirySweepInterval", "300ms"),
            MeshApp.set("monitor.checkInterval", "300ms"),
            MeshApp.set("monitor.checkTimeout", "250ms"),
            MeshApp.set("routing.retryInitialDelay", "500ms"),
            MeshApp.set("routing.retryMaxDelay", "1s"),
            MeshApp.set("routing.maxAttempts", "30"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();
    private static Topics topics;

    @BeforeAll
    static void open() {
        topics = new Topics(TestInfra.get().bootstrapServers());
    }

    @AfterAll
    static void close() throws Exception {
        topics.close();
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void register(String body) {
        Http.Reply r = Http.post(MESH.url("/api/v1/agents"), body);
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    private static void send(String to, String id, String key) {
        Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + to + "\",\"id\":\"" + id + "\""
                + (key == null ? "" : ",\"key\":\"" + key + "\"") + ",\"payload\":{\"n\":\"" + id + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }

    private static JsonNode agent(String id) {
        return Http.get(MESH.url("/api/v1/agents/" + id)).json();
    }

    private static int deadLetters(String target) {
        return Http.get(MESH.url("/api/v1/queues/dlq?target=" + target)).json().path("count").asInt();
    }

    @Test
    void aHostHeartbeatsManyAgentsInOneCallAndHearsWhichIdsAreUnknown() throws Exception {
        String a = id("hosted-a");
        String b = id("hosted-b");
        String gone = id("hosted-gone");
        register("{\"id\":\"" + a + "\",\"name\":\"A\",\"heartbeat_ttl_ms\":2000}");
        register("{\"id\":\"" + b + "\",\"name\":\"B\",\"heartbeat_ttl_ms\":2000}");
        register("{\"id\":\"" + gone + "\",\"name\":\"Gone\"}");
        assertThat(Http.delete(MESH.url("/api/v1/agents/" + gone)).status()).isEqualTo(200);
        String nobody = id("nobody");

        // past a's and b's TTL only because of these batches: they stay active
        for (int i = 0; i < 8; i++) {
            Http.Reply r = Http.post(MESH.url("/api/v1/agents/heartbeats"),
                    "{\"ids\":[\"" + a + "\",\"" + b + "\",\"" + gone + "\",\"" + nobody + "\",\"" + a + "\"]}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("seen").asInt()).isEqualTo(2);
            assertThat(r.json().path("unknown")).extracting(JsonNode::asText).containsExactlyInAnyOrder(gone, nobody);
            assertThat(r.json().path("live_cache").asText()).isEqualTo("refreshed");
            Thread.sleep(500);
        }
        for (String agent : List.of(a, b)) {
            assertThat(agent(agent).path("status").asText()).isEqualTo("active");
            assertThat(agent(agent).path("seen_via").asText()).isEqualTo("rest");
        }
        assertThat(Http.get(MESH.url("/api/v1/discover?status=active")).body()).contains(a, b);

        // a live entry Redis lost (evicted, flushed) is written again by the next batch, with the agent's own TTL
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(TestInfra.REDIS_URI);
        try (var redis = client.connect()) {
            assertThat(redis.sync().del("mesh:agent:" + a)).isEqualTo(1);
            Http.Reply r = Http.post(MESH.url("/api/v1/agents/heartbeats"), "{\"ids\":[\"" + a + "\",\"" + b + "\"]}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("live_cache").asText()).isEqualTo("refreshed");
            assertThat(redis.sync().get("mesh:agent:" + a)).contains("\"id\":\"" + a + "\"");
            assertThat(redis.sync().pttl("mesh:agent:" + a)).isBetween(1L, 2000L);
            assertThat(redis.sync().pttl("mesh:agent:" + b)).isBetween(1L, 2000L);
        } finally {
            client.shutdown();
        }
        assertThat(Http.get(MESH.url("/api/v1/discover?status=active")).body()).contains(a, b);

        // an agent without a TTL of its own gets the mesh's (30 min here); an expired one seen in a batch
        // is active again, with its live entry back
        String plain = id("hosted-plain");
        String lapsed = id("hosted-lapsed");
        register("{\"id\":\"" + plain + "\",\"name\":\"P\"}");
        register("{\"id\":\"" + lapsed + "\",\"name\":\"L\",\"heartbeat_ttl_ms\":1000}");
        await().atMost(15, SECONDS).until(() -> agent(lapsed).path("status").asText().equals("expired"));
        client = io.lettuce.core.RedisClient.create(TestInfra.REDIS_URI);
        try (var redis = client.connect()) {
            assertThat(redis.sync().exists("mesh:agent:" + lapsed)).isZero();
            Http.Reply r = Http.post(MESH.url("/api/v1/agents/heartbeats"), "{\"ids\":[\"" + plain + "\",\"" + lapsed + "\"]}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("seen").asInt()).isEqualTo(2);
            assertThat(agent(lapsed).path("status").asText()).isEqualTo("active");
            assertThat(redis.sync().get("mesh:agent:" + lapsed)).contains("\"status\":\"active\"");
            assertThat(redis.sync().pttl("mesh:agent:" + lapsed)).isBetween(1L, 1000L);
            assertThat(redis.sync().pttl("mesh:agent:" + plain)).isBetween(29 * 60_000L, 30 * 60_000L);
        } finally {
            client.shutdown();
        }
        assertThat(Http.get(MESH.url("/api/v1/discover?status=active")).body()).contains(lapsed);

        // bad bodies are refused with the field named, nothing recorded
        for (String bad : List.of("{}", "{\"ids\":[]}", "{\"ids\":[\"Not An Id\"]}", "{\"ids\":[null]}",
                "{\"ids\":[" + String.join(",", java.util.stream.IntStream.range(0, 1001)
                        .mapToObj(i -> "\"many-" + i + "\"").toList()) + "]}")) {
            Http.Reply r = Http.post(MESH.url("/api/v1/agents/heartbeats"), bad);
            assertThat(r.status()).as(bad.substring(0, Math.min(60, bad.length()))).isEqualTo(400);
            assertThat(r.json().path("code").asText()).isEqualTo("INVALID_REQUEST");
            assertThat(r.json().path("details").path("field").asText()).isEqualTo("ids");
        }
    }

    @Test
    void anAgentThatOnlyReadsKafkaNeverHeartbeatsAndGetsEveryDirectMessage() throws Exception {
        String agent = id("kafka-reader");
        register("{\"id\":\"" + agent + "\",\"name\":\"Reads Kafka\",\"heartbeat_ttl_ms\":2000}");
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread consumer = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.get().bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, agent,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
                c.subscribe(List.of(MESH.topic("agent." + agent)));
                while (reading.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        received.add(Topics.header(r, "ce_id"));
                    }
                }
            }
        }, "plain-kafka-agent");
        consumer.start();
        try {
            List<String> sent = new ArrayList<>();
            // five TTLs of sending, never a heartbeat
            for (int i = 0; i < 20; i++) {
                String id = agent + "-m" + i;
                send("agent:" + agent, id, null);
                sent.add(id);
                Thread.sleep(500);
            }
            await().atMost(30, SECONDS).until(() -> received.containsAll(sent));
            JsonNode seen = agent(agent);
            assertThat(seen.path("status").asText()).as(seen.toString()).isEqualTo("active");
            assertThat(seen.path("seen_via").asText()).as(seen.toString()).isEqualTo("kafka");
            assertThat(deadLetters(agent)).isZero();
        } finally {
            reading.set(false);
            consumer.join(5000);
        }
    }

    @Test
    void anExpiredAgentsDirectMessagesAreInItsInboxAndAnycastSkipsIt() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String silent = "silent-" + tag;
        String alive = "alive-" + tag;
        String capability = "cap-" + tag;
        register("{\"id\":\"" + silent + "\",\"name\":\"Silent\",\"heartbeat_ttl_ms\":1000,\"capabilities\":[\""
                + capability + "\"]}");
        register("{\"id\":\"" + alive + "\",\"name\":\"Alive\",\"capabilities\":[\"" + capability + "\"]}");
        await().atMost(15, SECONDS).until(() -> "expired".equals(agent(silent).path("status").asText()));

        send("agent:" + silent, silent + "-direct", null);
        for (int i = 0; i < 4; i++) {
            send("capability:" + capability, tag + "-any-" + i, "k" + i);
        }

        List<ConsumerRecord<byte[], byte[]>> inbox = topics.readUntil(MESH.topic("agent." + silent),
                rs -> rs.stream().anyMatch(r -> (silent + "-direct").equals(Topics.header(r, "ce_id"))),
                Duration.ofSeconds(15));
        assertThat(inbox).extracting(r -> Topics.header(r, "ce_id")).containsExactly(silent + "-direct");
        List<ConsumerRecord<byte[], byte[]>> other = topics.readUntil(MESH.topic("agent." + alive),
                rs -> rs.size() >= 4, Duration.ofSeconds(15));
        assertThat(other).hasSize(4);
        assertThat(agent(silent).path("status").asText()).as("delivery does not revive it").isEqualTo("expired");
        assertThat(deadLetters(silent)).isZero();
    }

    @Test
    void aMessageToAnActiveAgentIsNeverHeldBehindAnotherTargetsParkedMessageWithTheSameKey() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String active = "ready-" + tag;
        register("{\"id\":\"" + active + "\",\"name\":\"Ready\"}");
        for (int i = 0; i < 5; i++) {
            send("capability:absent-" + tag, tag + "-parked-" + i, "shared-" + tag);
        }

        long started = System.nanoTime();
        send("agent:" + active, tag + "-now", "shared-" + tag);
        List<ConsumerRecord<byte[], byte[]>> inbox = topics.readUntil(MESH.topic("agent." + active),
                rs -> !rs.isEmpty(), Duration.ofSeconds(10));

        assertThat(inbox).extracting(r -> Topics.header(r, "ce_id")).containsExactly(tag + "-now");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(Http.get(MESH.url("/api/v1/messages/" + tag + "-parked-0")).body()).contains("retry_scheduled");
    }

    @Test
    void aPushAgentWithoutAHealthRouteKeepsReceivingAcrossManyCheckIntervals() throws Exception {
        String agent = id("webhook");
        try (PushStub stub = new PushStub(call -> 200)) {
            register("{\"id\":\"" + agent + "\",\"name\":\"Webhook\",\"endpoint\":\"" + stub.endpoint()
                    + "\",\"delivery\":\"push\"}");
            List<String> sent = new ArrayList<>();
            // ten check intervals and a few TTL sweeps
            for (int i = 0; i < 10; i++) {
                String id = agent + "-p" + i;
                send("agent:" + agent, id, null);
                sent.add(id);
                Thread.sleep(300);
            }
            await().atMost(30, SECONDS).until(() -> sent.stream().allMatch(id -> !stub.of(id).isEmpty()));
            JsonNode health = Http.get(MESH.url("/api/v1/agents/" + agent + "/health")).json();
            assertThat(health.path("status").asText()).as(health.toString()).isNotEqualTo("unhealthy");
            assertThat(health.path("health_url").isNull()).as(health.toString()).isTrue();
            assertThat(deadLetters(agent)).isZero();
            await().atMost(10, SECONDS).until(() -> "push".equals(agent(agent).path("seen_via").asText()));
            assertThat(new String(stub.of(sent.get(0)).get(0).body().getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8)).contains(sent.get(0));
        }
    }

    @Test
    void anElectionWithNobodyElseToElectAnswersAtOnce() {
        long started = System.nanoTime();
        JsonNode r = Http.post(MESH.url("/api/v1/cluster/leader/elect"), "").json();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.path("changed").asBoolean()).isFalse();
        assertThat(r.path("candidates").asInt()).isEqualTo(1);
        assertThat(r.path("reason").asText()).contains("no other node");
    }
}
