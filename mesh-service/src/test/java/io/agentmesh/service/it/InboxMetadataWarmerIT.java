package io.agentmesh.service.it;

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
 * Before a fan-out, the router's producers look up the inboxes they have not written to yet, all
 * together, so the stream thread does not wait on metadata once per inbox (the producer's own
 * metadata-wait metric says whether a send waited).
 */
class InboxMetadataWarmerIT {

    @Test
    void theInboxesOfAFanOutAreLookedUpTogetherBeforeItsSends() throws Exception {
        String bootstrap = TestInfra.get().bootstrapServers();
        MeshTopics topics = new MeshTopics("warm" + UUID.randomUUID().toString().substring(0, 6) + ".");
        List<String> fanOut = List.of("fan-a", "fan-b", "fan-c", "fan-d", "fan-e");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> inboxes = new java.util.ArrayList<>();
            inboxes.add(new NewTopic(topics.inbox("cold-b"), 1, (short) 1));
            fanOut.forEach(id -> inboxes.add(new NewTopic(topics.inbox(id), 1, (short) 1)));
            admin.createTopics(inboxes).all().get(30, TimeUnit.SECONDS);
        }
        try (InboxMetadataWarmer warmer = new InboxMetadataWarmer(topics)) {
            Producer<byte[], byte[]> producer = warmer.clientSupplier().getProducer(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));

            // without the warmer, the first send to a topic waits for its metadata
            double before = metadataWaitNanos(producer);
            send(producer, topics.inbox("cold-b"));
            assertThat(metadataWaitNanos(producer)).isGreaterThan(before);

            // prepare returns once they are known (or after 2 s, on a very slow machine): no send of the fan-out waits
            warmer.prepare(fanOut);
            await().atMost(30, TimeUnit.SECONDS).until(() -> warmer.warmed() == fanOut.size());
            double warmed = metadataWaitNanos(producer);
            for (String id : fanOut) {
                send(producer, topics.inbox(id));
            }
            assertThat(metadataWaitNanos(producer)).as("no send to a prepared inbox waited").isEqualTo(warmed);

            // what is known is not looked up again
            warmer.prepare(fanOut);
            assertThat(warmer.warmed()).isEqualTo(fanOut.size());

            assertThat(warmer.trackedProducers()).isEqualTo(1);
            producer.close();
            assertThat(warmer.trackedProducers()).as("a closed producer is forgotten").isZero();
            warmer.prepare(List.of("fan-z"));
            assertThat(warmer.warmed()).isEqualTo(fanOut.size());
            assertThat(warmer.skipped()).isZero();
        }
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
