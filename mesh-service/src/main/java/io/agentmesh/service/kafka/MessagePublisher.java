package io.agentmesh.service.kafka;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one idempotent, acks=all producer of this node. A returned future completes only when every
 * in-sync replica has the record, or fails with a MeshException within the configured send bound
 * whose {@code outcome} detail says whether the record may still have been written.
 * <p>
 * {@code send} blocks while the producer waits for topic metadata or for room in its buffer (up to
 * {@code max.block.ms}); that happens on this publisher's own thread, never on the caller's (a
 * request thread). One thread keeps the order in which records are handed in. When {@code maxWaiting}
 * records already wait for it, a publish is refused at once, and a record that waited longer than
 * {@code maxWait} for it (the thread was blocked: Kafka is away) is refused without being handed to
 * the producer: 503 {@code KAFKA_UNAVAILABLE}, {@code outcome: not_written}. So every send is
 * answered within about twice the send bound, however many wait.
 * <p>
 * What a caller chains on a returned future (writing the HTTP or gRPC answer) runs on a small pool
 * of this publisher's, never on the producer's single network thread, which would otherwise spend
 * its time writing responses instead of sending records.
 */
public final class MessagePublisher implements Managed {

    public static final int DEFAULT_MAX_WAITING = 50_000;

    private final Producer<byte[], byte[]> producer;
    private final ExecutorService sender;
    private final ExecutorService replies;
    private final int maxWaiting;
    private final long maxWaitNanos;

    public MessagePublisher(Producer<byte[], byte[]> producer, Duration maxWait) {
        this(producer, DEFAULT_MAX_WAITING, maxWait);
    }

    public MessagePublisher(Producer<byte[], byte[]> producer, int maxWaiting, Duration maxWait) {
        this.producer = producer;
        this.maxWaiting = maxWaiting;
        this.maxWaitNanos = maxWait.toNanos();
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(maxWaiting), r -> {
            Thread t = new Thread(r, "kafka-send");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.replies = java.util.concurrent.Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                r -> {
                    Thread t = new Thread(r, "kafka-send-reply-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public CompletableFuture<RecordMetadata> publish(ProducerRecord<byte[], byte[]> record, String action) {
        return onSender(action, result -> producer.send(record, (metadata, error) -> reply(() -> {
            if (error == null) {
                result.complete(metadata);
            } else {
                result.completeExceptionally(KafkaFailures.failedWrite(error, action));
            }
        })));
    }

    /** Completes an answer off the producer's network thread (on it only once the publisher has stopped). */
    private void reply(Runnable completion) {
        try {
            replies.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }

    /**
     * The partition the producer would pick for {@code key} (murmur2, as its default partitioner does)
     * and how many {@code topic} has; fails like a refused write when Kafka cannot say. Asked on the
     * publisher's thread, in turn with the records handed in.
     */
    public CompletableFuture<KeyPartition> partitionOf(String topic, byte[] key, String action) {
        return onSender(action, result -> {
            int partitions = producer.partitionsFor(topic).size();
            result.complete(partitions == 0 ? new KeyPartition(-1, 0)
                    : new KeyPartition(Utils.toPositive(Utils.murmur2(key)) % partitions, partitions));
        });
    }

    /**
     * Runs {@code work} on the publisher's thread, which completes the answer; refused (not written)
     * when too many wait for the thread, when it waited past the bound, or when the producer throws.
     */
    private <T> CompletableFuture<T> onSender(String action, java.util.function.Consumer<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        long handedIn = System.nanoTime();
        try {
            sender.execute(() -> {
                if (waitedTooLong(handedIn, result, action)) {
                    return;
                }
                try {
                    work.accept(result);
                } catch (RuntimeException e) {
                    result.completeExceptionally(KafkaFailures.refusedWrite(e, action));
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(busy(action));
        }
        return result;
    }

    private boolean waitedTooLong(long handedIn, CompletableFuture<?> result, String action) {
        long waited = System.nanoTime() - handedIn;
        if (waited <= maxWaitNanos) {
            return false;
        }
        result.completeExceptionally(new MeshException(ErrorCode.KAFKA_UNAVAILABLE, action + ": waited "
                + TimeUnit.NANOSECONDS.toMillis(waited) + " ms for the producer, which Kafka holds up; not sent",
                Map.of("outcome", KafkaFailures.NOT_WRITTEN)));
        return true;
    }

    private MeshException busy(String action) {
        return new MeshException(ErrorCode.KAFKA_UNAVAILABLE, action + ": Kafka is not keeping up (" + maxWaiting
                + " records wait to be handed to the producer); retry later", Map.of("outcome", KafkaFailures.NOT_WRITTEN));
    }

    /** Where a key's records go: {@code partition} of the topic's {@code partitions} (0 when the producer knows none). */
    public record KeyPartition(int partition, int partitions) {
    }

    @Override
    public void stop() throws InterruptedException {
        sender.shutdown();
        sender.awaitTermination(10, TimeUnit.SECONDS);
        producer.close(Duration.ofSeconds(10));
        replies.shutdown();
        replies.awaitTermination(10, TimeUnit.SECONDS);
    }
}
