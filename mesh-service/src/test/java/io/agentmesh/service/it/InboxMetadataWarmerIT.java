package io.agentmesh.service.it;

import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.router.InboxMetadataWarmer;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The router's producers look up a registered agent's inbox before the first message goes there,
 * so the stream thread does not wait on metadata (the producer's own metadata-wait metric says
 * whether a send waited).
 */
class InboxMetadataWarmerIT {

    @Test
    void aRegisteredAgentsInboxIsLookedUpBeforeItsFirstMessage() throws Exception {
        String bootstrap = TestInfra.get().bootstrapServers();
        MeshTopics topics = new MeshTopics("warm" + UUID.randomUUID().toString().substring(0, 6) + ".");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topics.inbox("warm-a"), 1, (short) 1),
                    new NewTopic(topics.inbox("cold-b"), 1, (short) 1),
                    new NewTopic(topics.inbox("gone-c"), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (InboxMetadataWarmer warmer = new InboxMetadataWarmer(topics)) {
            Producer<byte[], byte[]> producer = warmer.clientSupplier().getProducer(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));

            // without the warmer, the first send to a topic waits for its metadata
            double before = metadataWaitNanos(producer);
            send(producer, topics.inbox("cold-b"));
            assertThat(metadataWaitNanos(producer)).isGreaterThan(before);

            warmer.onUpsert(agent("warm-a", "active"));
            warmer.onUpsert(agent("gone-c", "deregistered"));
            await().atMost(30, TimeUnit.SECONDS).until(() -> warmer.warmed() == 1);
            double warmed = metadataWaitNanos(producer);
            send(producer, topics.inbox("warm-a"));
            assertThat(metadataWaitNanos(producer)).as("the send to a warmed inbox did not wait").isEqualTo(warmed);

            producer.close();
            warmer.warmAll(List.of(agent("warm-a", "active")));
            assertThat(warmer.warmed()).as("a closed producer is forgotten").isEqualTo(1);
            assertThat(warmer.skipped()).isZero();
        }
    }

    private static RegistryEntry agent(String id, String status) {
        return new RegistryEntry(id, id, "default", List.of("x"), null, status, null);
    }

    private static void send(Producer<byte[], byte[]> producer, String topic) throws Exception {
        producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), new byte[8])).get(30, TimeUnit.SECONDS);
    }

    private static double metadataWaitNanos(Producer<byte[], byte[]> producer) {
        return producer.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("metadata-wait-time-ns-total") && m.getKey().group().equals("producer-metrics"))
                .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue())
                .findFirst().orElseThrow(() -> new AssertionError("producer has no metadata-wait-time-ns-total metric"));
    }
}
