package io.agentmesh.service.messaging;

import io.agentmesh.service.kafka.MessagePublisher;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A record whose pin comes back late still reaches Kafka before the later records of its key. */
class KeyOrderTest {

    private static ProducerRecord<byte[], byte[]> record(String key, int n) {
        return new ProducerRecord<>("mesh.ingress", 0, key.getBytes(), new byte[]{(byte) n});
    }

    @Test
    void aLaterRecordOfTheSameKeyWaitsForAnEarlierOneThatIsNotReadyYet() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        MessagePublisher publisher = new MessagePublisher(producer, Duration.ofSeconds(30));
        KeyOrder order = new KeyOrder(publisher);

        CompletableFuture<ProducerRecord<byte[], byte[]>> pinned = new CompletableFuture<>();
        CompletableFuture<RecordMetadata> first = order.publish("k", pinned, "first");
        CompletableFuture<RecordMetadata> second = order.publish("k", CompletableFuture.completedFuture(record("k", 2)), "second");
        CompletableFuture<RecordMetadata> otherKey = order.publish("j", CompletableFuture.completedFuture(record("j", 3)), "other");

        // another key does not wait
        assertThat(otherKey.get(10, TimeUnit.SECONDS)).isNotNull();
        Thread.sleep(200);
        assertThat(second).isNotDone();

        pinned.complete(record("k", 1));
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertThat(producer.history()).extracting(r -> (int) r.value()[0]).containsExactly(3, 1, 2);
        publisher.stop();
    }

    @Test
    void aRecordThatCouldNotBePreparedFailsAndTheNextGoesOn() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        MessagePublisher publisher = new MessagePublisher(producer, Duration.ofSeconds(30));
        KeyOrder order = new KeyOrder(publisher);
        CompletableFuture<RecordMetadata> failed = order.publish("k",
                CompletableFuture.failedFuture(new IllegalStateException("no partition")), "first");
        CompletableFuture<RecordMetadata> next = order.publish("k", CompletableFuture.completedFuture(record("k", 2)), "next");
        assertThat(next.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(failed).isCompletedExceptionally();
        publisher.stop();
    }
}
