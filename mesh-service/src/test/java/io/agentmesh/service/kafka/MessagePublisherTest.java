package io.agentmesh.service.kafka;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A producer that blocks (no metadata yet, a full buffer) holds the publisher's thread, never the caller's. */
class MessagePublisherTest {

    /** A producer whose send blocks until released, as KafkaProducer.send does for up to max.block.ms. */
    private static final class BlockingProducer extends MockProducer<byte[], byte[]> {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);

        BlockingProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.send(record, callback);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(int n) {
        return new ProducerRecord<>("mesh.ingress", 0, null, ("k" + n).getBytes(), new byte[]{(byte) n});
    }

    @Test
    @Timeout(30)
    void whatTheCallerChainsRunsOffTheThreadThatCompletesTheSend() throws Exception {
        // autoComplete false: the record's callback runs on the thread that calls completeNext, as on the
        // producer's network thread
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        MessagePublisher publisher = new MessagePublisher(producer, Duration.ofSeconds(30));
        CompletableFuture<String> answeredOn = publisher.publish(record(1), "send 1")
                .thenApply(md -> Thread.currentThread().getName());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.history().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(producer.completeNext()).isTrue();
        assertThat(answeredOn.get(10, TimeUnit.SECONDS)).startsWith("kafka-send-reply-")
                .isNotEqualTo(Thread.currentThread().getName());
        publisher.stop();
    }

    // the timeout only guards against a hang: a publish that blocked its caller would never return
    @Test
    @Timeout(30)
    void aBlockedSendHoldsThePublishersThreadNotTheCallers() throws Exception {
        BlockingProducer producer = new BlockingProducer();
        MessagePublisher publisher = new MessagePublisher(producer, Duration.ofSeconds(30));
        CompletableFuture<RecordMetadata> first = publisher.publish(record(1), "send 1");
        CompletableFuture<RecordMetadata> second = publisher.publish(record(2), "send 2");
        assertThat(producer.entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();

        producer.release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).offset()).isZero();
        assertThat(second.get(10, TimeUnit.SECONDS).offset()).as("handed in order").isEqualTo(1);
        publisher.stop();
    }

    @Test
    @Timeout(30)
    void pastTheWaitingRecordsAPublishIsRefusedAtOnceAsNotWritten() throws Exception {
        BlockingProducer producer = new BlockingProducer();
        MessagePublisher publisher = new MessagePublisher(producer, 1, Duration.ofSeconds(30));
        publisher.publish(record(1), "send 1");
        assertThat(producer.entered.await(10, TimeUnit.SECONDS)).isTrue();
        publisher.publish(record(2), "send 2");
        CompletableFuture<RecordMetadata> refused = publisher.publish(record(3), "send 3");

        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOfSatisfying(MeshException.class, m -> {
            assertThat(m.code()).isEqualTo(ErrorCode.KAFKA_UNAVAILABLE);
            assertThat(m.details()).containsEntry("outcome", "not_written");
        });
        producer.release.countDown();
        publisher.stop();
    }

    @Test
    @Timeout(30)
    void aRecordThatWaitedPastTheBoundIsRefusedWithoutReachingTheProducer() throws Exception {
        BlockingProducer producer = new BlockingProducer();
        MessagePublisher publisher = new MessagePublisher(producer, Duration.ofMillis(200));
        CompletableFuture<RecordMetadata> first = publisher.publish(record(1), "send 1");
        assertThat(producer.entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<RecordMetadata> waiting = publisher.publish(record(2), "send 2");
        // Kafka holds the producer past the bound: the record behind it is not handed in late
        Thread.sleep(500);
        producer.release.countDown();
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOfSatisfying(MeshException.class, m -> {
            assertThat(m.code()).isEqualTo(ErrorCode.KAFKA_UNAVAILABLE);
            assertThat(m.details()).containsEntry("outcome", "not_written");
        });
        assertThat(first.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(producer.history()).hasSize(1);
        publisher.stop();
    }
}
