package io.agentmesh.service.kafka;

import io.agentmesh.service.errors.KafkaFailures;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The one idempotent, acks=all producer of this node. A returned future completes only when every
 * in-sync replica has the record, or fails with a MeshException within the configured send bound
 * whose {@code outcome} detail says whether the record may still have been written.
 */
public final class MessagePublisher implements Managed {

    private final Producer<byte[], byte[]> producer;

    public MessagePublisher(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public CompletableFuture<RecordMetadata> publish(ProducerRecord<byte[], byte[]> record, String action) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    result.complete(metadata);
                } else {
                    result.completeExceptionally(KafkaFailures.failedWrite(error, action));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(KafkaFailures.refusedWrite(e, action));
        }
        return result;
    }

    /**
     * The partition the producer would pick for {@code key} (murmur2, as its default partitioner does)
     * and how many {@code topic} has; fails like a refused write when Kafka cannot say.
     */
    public CompletableFuture<KeyPartition> partitionOf(String topic, byte[] key, String action) {
        try {
            int partitions = producer.partitionsFor(topic).size();
            return CompletableFuture.completedFuture(partitions == 0 ? new KeyPartition(-1, 0)
                    : new KeyPartition(Utils.toPositive(Utils.murmur2(key)) % partitions, partitions));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(KafkaFailures.refusedWrite(e, action));
        }
    }

    /** Where a key's records go: {@code partition} of the topic's {@code partitions} (0 when the producer knows none). */
    public record KeyPartition(int partition, int partitions) {
    }

    @Override
    public void stop() {
        producer.close(Duration.ofSeconds(10));
    }
}
