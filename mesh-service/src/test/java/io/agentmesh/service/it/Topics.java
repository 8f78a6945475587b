package io.agentmesh.service.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Looks at topics the way an outside Kafka client would. */
public final class Topics implements AutoCloseable {

    private final String bootstrap;
    private final Admin admin;

    public Topics(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** The members of a consumer group (a Streams application's running threads). */
    public int groupMembers(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
    }

    public Set<String> names(String prefix) throws Exception {
        return admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(prefix)).collect(Collectors.toSet());
    }

    /**
     * Waits until the broker lists every one of {@code wanted}. A topic the controller has just created
     * reaches the broker's metadata (and so its topic list) a moment later; an outside client sees the same.
     */
    public void awaitListed(String... wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<String> listed = Set.of();
        while (System.nanoTime() < deadline) {
            listed = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            if (listed.containsAll(List.of(wanted))) {
                return;
            }
            Thread.sleep(100);
        }
        Set<String> seen = listed;
        throw new AssertionError("not listed by the broker within 10 s: "
                + List.of(wanted).stream().filter(w -> !seen.contains(w)).toList());
    }

    /**
     * Sum of end offsets per topic (committed and uncommitted records alike), the taps' topics left
     * out (their definitions, {@code <prefix>taps}, and each tap's {@code <prefix>tap.<name>}): a tap
     * another test class left in this JVM's shared database has every node of the JVM write them,
     * whatever the test does.
     */
    public Map<String, Long> endOffsets(String prefix) throws Exception {
        Set<String> names = new java.util.HashSet<>(names(prefix));
        names.remove(prefix + "taps");
        names.removeIf(n -> n.startsWith(prefix + "tap."));
        Map<String, Long> out = new TreeMap<>();
        if (names.isEmpty()) {
            return out;
        }
        var described = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> specs = new java.util.HashMap<>();
        described.forEach((name, d) -> d.partitions().forEach(p -> specs.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        admin.listOffsets(specs).all().get(10, TimeUnit.SECONDS)
                .forEach((tp, info) -> out.merge(tp.topic(), info.offset(), Long::sum));
        return out;
    }

    /** Reads a whole topic as a read_committed consumer without a group, until {@code done} holds or time runs out. */
    public List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                          Duration timeout) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    public static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
