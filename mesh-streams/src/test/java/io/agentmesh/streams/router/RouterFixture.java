package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryEntrySerde;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A router under TopologyTestDriver with a mocked wall clock, and helpers to feed and read it. */
final class RouterFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    final MeshTopics topics = MeshTopics.defaults();
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> ingress;
    final TestInputTopic<String, RegistryEntry> registry;
    final TestInputTopic<String, io.agentmesh.streams.registry.AgentHealth> health;
    final TestOutputTopic<byte[], byte[]> dlq;
    final TestOutputTopic<byte[], byte[]> events;
    final Map<String, Long> lags = new HashMap<>();
    /** Every registry record the router took in, as its registry listener heard of them. */
    final List<RegistryEntry> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The agents of every fan-out the router asked to get ready, in order. */
    final List<List<String>> prepared = new java.util.concurrent.CopyOnWriteArrayList<>();

    RouterFixture(RouterPolicy policy) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        try {
            // a directory of its own, so two fixtures can be open at once
            props.put(StreamsConfig.STATE_DIR_CONFIG, java.nio.file.Files.createTempDirectory("router-test-").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        driver = new TopologyTestDriver(RouterTopology.build(topics, policy, RoutingListener.NONE,
                id -> lags.getOrDefault(id, 0L), heard::add, System::currentTimeMillis,
                new io.agentmesh.streams.registry.RegistryIndex(), prepared::add), props, T0);
        ingress = driver.createInputTopic(topics.ingress(), new ByteArraySerializer(), new ByteArraySerializer());
        registry = driver.createInputTopic(topics.registry(), new StringSerializer(), new RegistryEntrySerde().serializer());
        health = driver.createInputTopic(topics.health(), new StringSerializer(),
                new io.agentmesh.streams.registry.JsonSerde<>(io.agentmesh.streams.registry.AgentHealth.class).serializer());
        dlq = driver.createOutputTopic(topics.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        events = driver.createOutputTopic(topics.events(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    void agentIn(String id, String namespace, String status, String... capabilities) {
        registry.pipeInput(id, new RegistryEntry(id, id, namespace, List.of(capabilities), null, status, T0.toString()));
    }

    void agent(String id, String... capabilities) {
        agentIn(id, "default", "active", capabilities);
    }

    void health(String id, String status) {
        health.pipeInput(id, new io.agentmesh.streams.registry.AgentHealth(status, T0.toString(), "test"));
    }

    TestOutputTopic<byte[], byte[]> inbox(String agent) {
        return driver.createOutputTopic(topics.inbox(agent), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Sends a message with routing key {@code key} and optional extra extensions (name, value, ...). */
    void send(String id, String to, String key, String... extensions) {
        TestRecord<byte[], byte[]> r = TestEvents.message(id, to, "{}", now());
        TestRecord<byte[], byte[]> keyed = new TestRecord<>(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                r.value(), r.headers(), now());
        for (int i = 0; i + 1 < extensions.length; i += 2) {
            keyed.headers().add(MeshHeaders.CE_PREFIX + extensions[i], extensions[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        ingress.pipeInput(keyed);
    }

    Instant now() {
        return T0.plusMillis(elapsed);
    }

    private long elapsed;

    void advance(Duration d) {
        elapsed += d.toMillis();
        driver.advanceWallClockTime(d);
    }

    static List<String> ids(TestOutputTopic<byte[], byte[]> topic) {
        return topic.readRecordsToList().stream().map(r -> TestEvents.header(r.headers(), MeshHeaders.ID)).toList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
