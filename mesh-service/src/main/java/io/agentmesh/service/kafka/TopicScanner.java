package io.agentmesh.service.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads ranges of a topic for operators and tools (the message log, the dead-letter queue, inbox
 * replay): a consumer that joins no group and sees committed records only. Every scan is bounded
 * by an end offset taken before it starts, so it always terminates; transaction markers, which
 * occupy offsets too, are stepped over.
 */
public final class TopicScanner implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Short: a poll that steps over a trailing transaction marker returns no record and waits all of it. */
    private static final Duration POLL = Duration.ofMillis(20);
    /**
     * How long the broker may hold a fetch that finds nothing new. A scan moves from partition to
     * partition, and the consumer's prefetch of the partition just finished (at its end, so nothing
     * new) holds the connection for this long before the next partition's fetch can go: Kafka's default
     * of 500 ms made every read of the message log cost half a second per partition of mesh.events.
     */
    static final int FETCH_MAX_WAIT_MS = 5;

    private final Consumer<byte[], byte[]> consumer;

    TopicScanner(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** A scanner reading at most {@code maxPollRecords} records per fetch. */
    public static TopicScanner open(KafkaClientProps props, int maxPollRecords) {
        Map<String, Object> p = new java.util.HashMap<>(props.reader(maxPollRecords));
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        return new TopicScanner(new KafkaConsumer<>(p));
    }

    /** The topic's partitions in order. */
    public List<TopicPartition> partitions(String topic) {
        return consumer.partitionsFor(topic, TIMEOUT).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    public Map<TopicPartition, Long> beginnings(List<TopicPartition> partitions) {
        return consumer.beginningOffsets(partitions, TIMEOUT);
    }

    public Map<TopicPartition, Long> ends(List<TopicPartition> partitions) {
        return consumer.endOffsets(partitions, TIMEOUT);
    }

    /** The first offset of each partition whose record is at or after {@code time}; absent where there is none. */
    public Map<TopicPartition, Long> offsetsAt(List<TopicPartition> partitions, Instant time) {
        Map<TopicPartition, Long> query = new java.util.HashMap<>();
        partitions.forEach(tp -> query.put(tp, time.toEpochMilli()));
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(query, TIMEOUT).entrySet()) {
            if (e.getValue() != null) {
                out.put(e.getKey(), e.getValue().offset());
            }
        }
        return out;
    }

    /**
     * Reads {@code [start, end)} of one partition in order, giving each record to {@code visitor}
     * until it answers false; returns the next offset to read (at least {@code start}, {@code end}
     * once the range is done).
     */
    public long scan(TopicPartition tp, long start, long end, Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
        if (start >= end) {
            return start;
        }
        consumer.assign(List.of(tp));
        consumer.seek(tp, start);
        long next = start;
        long progressBy = System.nanoTime() + TIMEOUT.toNanos();
        while (next < end) {
            if (System.nanoTime() - progressBy > 0) {
                throw new org.apache.kafka.common.errors.TimeoutException("no progress reading " + tp + " at offset "
                        + next + " (to " + end + ") for " + TIMEOUT.toSeconds() + " s");
            }
            long before = next;
            boolean wholeBatch = true;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() >= end) {
                    break;
                }
                next = r.offset() + 1;
                if (!visitor.test(r)) {
                    wholeBatch = false;
                    break;
                }
            }
            if (!wholeBatch) {
                return next;
            }
            // after a whole batch the consumer's position is right, past any transaction marker
            next = Math.max(next, Math.min(end, consumer.position(tp, TIMEOUT)));
            if (next > before) {
                progressBy = System.nanoTime() + TIMEOUT.toNanos();
            }
        }
        return next;
    }

    /** The record at {@code offset} of {@code tp}, if the partition still holds one there. */
    public Optional<ConsumerRecord<byte[], byte[]>> read(TopicPartition tp, long offset) {
        long begin = beginnings(List.of(tp)).get(tp);
        long end = ends(List.of(tp)).get(tp);
        if (offset < begin || offset >= end) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        ConsumerRecord<byte[], byte[]>[] found = new ConsumerRecord[1];
        scan(tp, offset, Math.min(end, offset + 1), r -> {
            found[0] = r.offset() == offset ? r : null;
            return false;
        });
        return Optional.ofNullable(found[0]);
    }

    /** Gives every record of {@code [start, end)} of a partition to {@code each}. */
    public void forEach(TopicPartition tp, long start, long end,
                        java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        scan(tp, start, end, r -> {
            each.accept(r);
            return true;
        });
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
