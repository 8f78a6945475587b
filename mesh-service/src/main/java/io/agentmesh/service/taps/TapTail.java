package io.agentmesh.service.taps;

import io.agentmesh.service.kafka.KafkaClientProps;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a tap's topic for a person at a terminal ({@code ./mesh taps tail}): from its end (or its
 * beginning) for at most {@code max} records or {@code wait}, whichever comes first. Joins no group.
 */
public final class TapTail {

    private final KafkaClientProps props;

    public TapTail(KafkaClientProps props) {
        this.props = props;
    }

    /** Gives each record's value (the tap record's JSON) to {@code each}; returns how many. */
    public long read(String topic, boolean fromBeginning, int max, Duration wait, Consumer<byte[]> each) {
        long deadline = System.nanoTime() + wait.toNanos();
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props.reader(Math.min(max, 500)))) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            if (fromBeginning) {
                consumer.seekToBeginning(parts);
            } else {
                consumer.seekToEnd(parts);
            }
            while (count < max && System.nanoTime() < deadline) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(Math.min(500, left)))) {
                    if (count >= max) {
                        break;
                    }
                    each.accept(r.value());
                    count++;
                }
            }
        }
        return count;
    }
}
