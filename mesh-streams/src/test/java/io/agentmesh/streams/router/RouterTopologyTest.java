package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryEntrySerde;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static io.agentmesh.streams.router.TestEvents.header;
import static io.agentmesh.streams.router.TestEvents.message;
import static org.assertj.core.api.Assertions.assertThat;

class RouterTopologyTest {

    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private final MeshTopics topics = MeshTopics.defaults();
    private final List<String> events = new ArrayList<>();
    /** The router's clock in these tests: a day after T0 unless a test sets it. */
    private final java.util.concurrent.atomic.AtomicLong now =
            new java.util.concurrent.atomic.AtomicLong(T0.plus(Duration.ofDays(1)).toEpochMilli());
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> ingress;
    private TestInputTopic<String, RegistryEntry> registry;
    private TestOutputTopic<byte[], byte[]> inboxB;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        RoutingListener recorder = new RoutingListener() {
            @Override
            public void onRouted(String messageId, String agentId, long acceptedAtMs) {
                events.add("routed " + messageId + " -> " + agentId);
            }

            @Override
            public void onDuplicate(String messageId) {
                events.add("duplicate " + messageId);
            }

            @Override
            public void onDeadLetter(String messageId, DeadLetterReason reason) {
                events.add("dead " + messageId + " " + reason);
            }
        };
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(
                RouterTopology.build(topics, new RouterPolicy(WINDOW, 64), recorder, LoadView.NONE,
                        io.agentmesh.streams.registry.RegistryListener.NONE, now::get), props);
        ingress = driver.createInputTopic(topics.ingress(), new ByteArraySerializer(), new ByteArraySerializer());
        registry = driver.createInputTopic(topics.registry(), new StringSerializer(),
                new RegistryEntrySerde().serializer());
        inboxB = driver.createOutputTopic(topics.inbox("b"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(topics.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        registry.pipeInput("b", agent("b", "active"));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static RegistryEntry agent(String id, String status) {
        return new RegistryEntry(id, "agent " + id, "default", List.of("chat"), null, status, T0.toString());
    }

    @Test
    void routesToTheTargetInboxWithPayloadAndHeadersUntouched() {
        ingress.pipeInput(message("m1", "agent:b", "{\"x\":1}", T0));

        TestRecord<byte[], byte[]> out = inboxB.readRecord();
        assertThat(new String(out.value(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":1}");
        assertThat(header(out.headers(), MeshHeaders.ID)).isEqualTo("m1");
        assertThat(header(out.headers(), MeshHeaders.TO)).isEqualTo("agent:b");
        assertThat(header(out.headers(), MeshHeaders.TARGET)).isEqualTo("b");
        assertThat(header(out.headers(), MeshHeaders.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("m1");
        assertThat(out.getRecordTime()).isEqualTo(T0);
        assertThat(inboxB.isEmpty()).isTrue();
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(events).containsExactly("routed m1 -> b");
    }

    @Test
    void aBareAgentIdIsAnAgentTarget() {
        ingress.pipeInput(message("m1", "b", "{}", T0));

        assertThat(inboxB.readRecordsToList()).hasSize(1);
    }

    @Test
    void dropsTheSameIdWithinTheWindowAndDeliversItAgainAfter() {
        // 1. first copy delivered
        ingress.pipeInput(message("m1", "agent:b", "{}", T0));
        // 2. same id one minute later: dropped
        ingress.pipeInput(message("m1", "agent:b", "{}", T0.plus(Duration.ofMinutes(1))));
        // 3. a different id still flows
        ingress.pipeInput(message("m2", "agent:b", "{}", T0.plus(Duration.ofMinutes(2))));
        // 4. the first id after the window has passed is a new message
        ingress.pipeInput(message("m1", "agent:b", "{}", T0.plus(WINDOW).plus(Duration.ofMinutes(2))));

        assertThat(inboxB.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.ID))
                .containsExactly("m1", "m2", "m1");
        assertThat(events).containsExactly("routed m1 -> b", "duplicate m1", "routed m2 -> b", "routed m1 -> b");
    }

    @Test
    void anIdIsDeduplicatedPerSenderSoNoSenderCanSuppressAnothersMessage() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        ingress.pipeInput(TestEvents.message("mallory", "m1", "agent:b", body, T0));
        ingress.pipeInput(TestEvents.message("alice", "m1", "agent:b", body, T0.plusSeconds(1)));
        ingress.pipeInput(TestEvents.message(null, "m1", "agent:b", body, T0.plusSeconds(2)));
        // each sender's own resend is still a duplicate
        ingress.pipeInput(TestEvents.message("alice", "m1", "agent:b", body, T0.plusSeconds(3)));
        ingress.pipeInput(TestEvents.message(null, "m1", "agent:b", body, T0.plusSeconds(4)));

        assertThat(events).containsExactly("routed m1 -> b", "routed m1 -> b", "routed m1 -> b",
                "duplicate m1", "duplicate m1");
        assertThat(inboxB.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.FROM))
                .containsExactly("mallory", "alice", null);
    }

    private static TestRecord<byte[], byte[]> replay(TestRecord<byte[], byte[]> original, String replay) {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders(original.headers().toArray());
        headers.add(MeshHeaders.REPLAY, replay.getBytes(StandardCharsets.UTF_8));
        return new TestRecord<>(original.key(), original.value(), headers, original.getRecordTime());
    }

    @Test
    void aReplayedDeadLetterArrivesThoughItsIdIsInTheWindowAndEachReplayOnce() {
        // delivered to the inbox, then dead-lettered after it (as push delivery does): its id stays in the window
        ingress.pipeInput(message("m1", "agent:b", "{}", T0));
        ingress.pipeInput(replay(message("m1", "agent:b", "{}", T0.plusSeconds(10)), "7/0-5"));
        // the same replay written twice (a retried write) is one
        ingress.pipeInput(replay(message("m1", "agent:b", "{}", T0.plusSeconds(11)), "7/0-5"));
        // a later replay (forced) is another
        ingress.pipeInput(replay(message("m1", "agent:b", "{}", T0.plusSeconds(12)), "8/0-5"));

        assertThat(events).containsExactly("routed m1 -> b", "routed m1 -> b", "duplicate m1", "routed m1 -> b");
    }

    @Test
    void aRecordStampedInTheFutureDoesNotExpireTheDedupeWindow() {
        now.set(T0.plus(Duration.ofMinutes(2)).toEpochMilli());
        ingress.pipeInput(message("m1", "agent:b", "{}", T0));
        // a month ahead of the router's clock (a skewed node, a hand-made record)
        ingress.pipeInput(message("m-future", "agent:b", "{}", T0.plus(Duration.ofDays(30))));
        ingress.pipeInput(message("m1", "agent:b", "{}", T0.plus(Duration.ofMinutes(1))));

        assertThat(events).containsExactly("routed m1 -> b", "routed m-future -> b", "duplicate m1");
        List<TestRecord<byte[], byte[]>> out = inboxB.readRecordsToList();
        assertThat(out).hasSize(2);
        // its time was taken no further than a minute past the router's clock
        assertThat(out.get(1).getRecordTime()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    }

    @Test
    void unknownAgentGoesToTheDlqWithReasonAndTheNextRecordIsStillRouted() {
        ingress.pipeInput(message("m1", "agent:nobody", "{\"keep\":true}", T0));
        ingress.pipeInput(message("m2", "agent:b", "{}", T0));

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(header(dead.headers(), MeshHeaders.DLQ_REASON)).isEqualTo("UNKNOWN_TARGET");
        assertThat(header(dead.headers(), MeshHeaders.DLQ_ERROR)).contains("nobody");
        assertThat(header(dead.headers(), MeshHeaders.DLQ_ATTEMPTS)).isEqualTo("1");
        assertThat(header(dead.headers(), MeshHeaders.DLQ_ORIGIN)).startsWith("mesh.ingress-0@");
        assertThat(header(dead.headers(), MeshHeaders.ID)).isEqualTo("m1");
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{\"keep\":true}");
        assertThat(inboxB.readRecordsToList()).hasSize(1);
    }

    @Test
    void aDeadLetteredIdCanBeSentAgainOnceTheTargetExists() {
        ingress.pipeInput(message("m1", "agent:c", "{}", T0));
        registry.pipeInput("c", agent("c", "active"));
        ingress.pipeInput(message("m1", "agent:c", "{}", T0.plusSeconds(1)));

        var inboxC = driver.createOutputTopic(topics.inbox("c"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(dlq.readRecordsToList()).hasSize(1);
        assertThat(inboxC.readRecordsToList()).hasSize(1);
    }

    @Test
    void undecodableBytesGoToTheDlqAsInvalidEnvelopeWithoutStoppingTheTopology() {
        // 1. raw bytes, no CloudEvents headers at all
        ingress.pipeInput(new TestRecord<>(null, new byte[]{(byte) 0xde, (byte) 0xad}, new RecordHeaders(), T0));
        // 2. CloudEvents headers but a broken meshto
        TestRecord<byte[], byte[]> badTarget = message("m2", "agent:b", "{}", T0);
        badTarget.headers().remove(MeshHeaders.TO);
        badTarget.headers().add(MeshHeaders.TO, "smoke-signal:b".getBytes(StandardCharsets.UTF_8));
        ingress.pipeInput(badTarget);
        // 3. no meshto at all
        TestRecord<byte[], byte[]> noTarget = message("m3", "agent:b", "{}", T0);
        noTarget.headers().remove(MeshHeaders.TO);
        ingress.pipeInput(noTarget);
        // 4. a good record afterwards
        ingress.pipeInput(message("m4", "agent:b", "{}", T0));

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), MeshHeaders.DLQ_REASON))
                .containsExactly("INVALID_ENVELOPE", "INVALID_ENVELOPE", "INVALID_ENVELOPE");
        assertThat(dead.get(0).value()).containsExactly((byte) 0xde, (byte) 0xad);
        assertThat(header(dead.get(1).headers(), MeshHeaders.DLQ_ERROR)).contains("smoke-signal");
        assertThat(header(dead.get(2).headers(), MeshHeaders.DLQ_ERROR)).contains("meshto");
        assertThat(inboxB.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.ID))
                .containsExactly("m4");
    }

    @Test
    void oversizedPayloadIsDeadLettered() {
        ingress.pipeInput(message("big", "agent:b", new byte[65], T0));
        ingress.pipeInput(message("ok", "agent:b", new byte[64], T0));

        assertThat(dlq.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.DLQ_REASON))
                .containsExactly("PAYLOAD_TOO_LARGE");
        assertThat(inboxB.readRecordsToList()).hasSize(1);
    }

    @Test
    void deregisteredAndTombstonedAgentsAreUnknownTargets() {
        registry.pipeInput("b", agent("b", "deregistered"));
        ingress.pipeInput(message("m1", "agent:b", "{}", T0));
        registry.pipeInput("b", null);
        ingress.pipeInput(message("m2", "agent:b", "{}", T0));

        assertThat(inboxB.isEmpty()).isTrue();
        assertThat(dlq.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.DLQ_ERROR))
                .containsExactly("agent 'b' was deregistered", "no agent 'b' in the registry");
    }

    @Test
    void everyDecisionIsWrittenToTheEventsTopic() {
        var events = driver.createOutputTopic(topics.events(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ingress.pipeInput(message("m1", "agent:b", "{}", T0));
        ingress.pipeInput(message("m1", "agent:b", "{}", T0));
        ingress.pipeInput(message("m2", "agent:nobody", "{}", T0));

        assertThat(events.readRecordsToList()).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .satisfiesExactly(
                        e -> assertThat(e).contains("\"event\":\"routed\"", "\"id\":\"m1\"", "\"agents\":[\"b\"]",
                                "\"from\":\"a\"", "\"type\":\"mesh.message\"", "\"key\":\"m1\"", "\"bytes\":2"),
                        e -> assertThat(e).contains("\"event\":\"deduplicated\"", "\"id\":\"m1\"", "\"from\":\"a\""),
                        e -> assertThat(e).contains("\"event\":\"dead_lettered\"", "\"reason\":\"UNKNOWN_TARGET\"",
                                "\"to\":\"agent:nobody\"", "\"key\":\"m2\""));
    }
}
