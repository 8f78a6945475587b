package io.agentmesh.service.it;

import io.agentmesh.service.taps.TapPositions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the taps application starts after it has not run, on the real broker: positions before the
 * oldest live tap move up to it, positions past it stand, and a group with members is left alone.
 */
class TapPositionsIT {

    private static final String BOOTSTRAP = TestInfra.get().bootstrapServers();
    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void open() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP),
                new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void close() {
        producer.close();
        admin.close();
    }

    private static String topic() throws Exception {
        String name = "tap-positions-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        return name;
    }

    private static void produce(String topic, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get();
        }
    }

    private static long committed(String group, String topic) throws Exception {
        OffsetAndMetadata at = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .get(new TopicPartition(topic, 0));
        return at == null ? -1 : at.offset();
    }

    private static void commit(String group, String topic, long offset) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(offset))).all().get();
    }

    /** An instant strictly after every record produced so far and before every one produced next. */
    private static Instant between() throws InterruptedException {
        Thread.sleep(20);
        Instant at = Instant.now();
        Thread.sleep(20);
        return at;
    }

    @Test
    void positionsBeforeTheOldestTapMoveUpToItAndLaterOnesStand() throws Exception {
        String topic = topic();
        String group = "taps-" + UUID.randomUUID();
        produce(topic, 3);
        commit(group, topic, 0);
        Instant tapBegan = between();
        produce(topic, 2);

        TapPositions positions = new TapPositions(admin, group, List.of(topic));
        assertThat(positions.advanceTo(tapBegan)).isEqualTo(1);
        assertThat(committed(group, topic)).as("the first record the tap takes").isEqualTo(3);

        commit(group, topic, 4);
        assertThat(positions.advanceTo(tapBegan)).isZero();
        assertThat(committed(group, topic)).as("a position past the tap's start stands").isEqualTo(4);
    }

    @Test
    void aGroupWithoutPositionsStartsAtTheEndWhenEverythingIsOlderThanTheTap() throws Exception {
        String topic = topic();
        String group = "taps-" + UUID.randomUUID();
        produce(topic, 4);
        Instant tapBegan = between();

        assertThat(new TapPositions(admin, group, List.of(topic)).advanceTo(tapBegan)).isEqualTo(1);
        assertThat(committed(group, topic)).isEqualTo(4);
    }

    @Test
    void aGroupThatRunsOnAnotherNodeKeepsItsPositions() throws Exception {
        String topic = topic();
        String group = "taps-" + UUID.randomUUID();
        produce(topic, 3);
        commit(group, topic, 0);
        Instant tapBegan = between();
        try (KafkaConsumer<String, String> member = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer())) {
            member.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (member.assignment().isEmpty() && System.nanoTime() < deadline) {
                member.poll(Duration.ofMillis(100));
            }
            assertThat(member.assignment()).as("the member joined").isNotEmpty();

            assertThat(new TapPositions(admin, group, List.of(topic)).advanceTo(tapBegan)).isZero();
            assertThat(committed(group, topic)).isZero();
        }
    }
}
