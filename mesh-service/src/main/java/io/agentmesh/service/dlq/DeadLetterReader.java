package io.agentmesh.service.dlq;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads the dead-letter topic for operators: filtered pages with a cursor, single dead letters by
 * id, the most recent ones. Reads committed records only, with a consumer that joins no group.
 * A scan stops at the end offsets seen when it began, so it always terminates.
 */
public final class DeadLetterReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final MeshTopics topics;
    private final KafkaClientProps props;

    public DeadLetterReader(MeshTopics topics, KafkaClientProps props) {
        this.topics = topics;
        this.props = props;
    }

    /** A page, and where the next one starts (null when the scan reached the end). */
    public record Page(List<DeadLetter> items, String nextCursor, long scanned) {
    }

    public Page list(DeadLetterFilter filter, int limit, String cursor, long maxScan) {
        Map<Integer, Long> from = cursor == null ? null : decode(cursor);
        return scan(filter::matches, filter, limit, from, maxScan);
    }

    private Page scan(Predicate<DeadLetter> wanted, DeadLetterFilter filter, int limit, Map<Integer, Long> from, long maxScan) {
        try (Consumer<byte[], byte[]> c = consumer(500)) {
            List<TopicPartition> parts = partitions(c);
            Map<TopicPartition, Long> end = c.endOffsets(parts, TIMEOUT);
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts, TIMEOUT);
            Map<TopicPartition, Long> position = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
            Map<TopicPartition, OffsetAndTimestamp> bySince = filter.sinceInstant() == null || from != null ? Map.of()
                    : c.offsetsForTimes(timestamps(parts, filter.sinceInstant().toEpochMilli()), TIMEOUT);
            for (TopicPartition tp : parts) {
                long start = begin.get(tp);
                if (from != null) {
                    start = Math.max(start, from.getOrDefault(tp.partition(), start));
                } else if (bySince.get(tp) != null) {
                    start = bySince.get(tp).offset();
                } else if (filter.sinceInstant() != null) {
                    start = end.get(tp);
                }
                position.put(tp, start);
            }
            List<DeadLetter> items = new ArrayList<>();
            long scanned = 0;
            for (TopicPartition tp : position.keySet()) {
                c.assign(List.of(tp));
                c.seek(tp, position.get(tp));
                while (position.get(tp) < end.get(tp) && items.size() < limit && scanned < maxScan) {
                    boolean wholeBatch = true;
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                        if (r.offset() >= end.get(tp) || items.size() >= limit || scanned >= maxScan) {
                            wholeBatch = r.offset() >= end.get(tp);
                            break;
                        }
                        scanned++;
                        position.put(tp, r.offset() + 1);
                        DeadLetter d = DeadLetter.of(r);
                        if (wanted.test(d)) {
                            items.add(d);
                        }
                    }
                    if (wholeBatch) {
                        // transaction markers occupy offsets too: after a whole batch, the consumer's position is right
                        position.put(tp, Math.max(position.get(tp), Math.min(end.get(tp), c.position(tp, TIMEOUT))));
                    }
                }
            }
            boolean done = position.entrySet().stream().allMatch(e -> e.getValue() >= end.get(e.getKey()));
            return new Page(items, done ? null : encode(position), scanned);
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "read the dead-letter topic");
        }
    }

    /** The dead letter at {@code <partition>-<offset>}, if the topic still has it. */
    public Optional<DeadLetter> get(String dlqId) {
        int dash = dlqId.indexOf('-');
        int partition;
        long offset;
        try {
            partition = Integer.parseInt(dlqId.substring(0, dash));
            offset = Long.parseLong(dlqId.substring(dash + 1));
        } catch (RuntimeException e) {
            throw MeshException.invalidField("id", "'" + dlqId + "' is not a dead-letter id (<partition>-<offset>)");
        }
        try (Consumer<byte[], byte[]> c = consumer(1)) {
            TopicPartition tp = new TopicPartition(topics.dlq(), partition);
            if (!partitions(c).contains(tp)) {
                return Optional.empty();
            }
            long end = c.endOffsets(List.of(tp), TIMEOUT).get(tp);
            long begin = c.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
            if (offset < begin || offset >= end) {
                return Optional.empty();
            }
            c.assign(List.of(tp));
            c.seek(tp, offset);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline && c.position(tp) <= offset) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return Optional.of(DeadLetter.of(r));
                    }
                    if (r.offset() > offset) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.empty();
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "read dead letter " + dlqId);
        }
    }

    /** The {@code limit} most recently dead-lettered, newest first. */
    public List<DeadLetter> recent(int limit) {
        try (Consumer<byte[], byte[]> c = consumer(500)) {
            List<TopicPartition> parts = partitions(c);
            Map<TopicPartition, Long> end = c.endOffsets(parts, TIMEOUT);
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts, TIMEOUT);
            List<DeadLetter> all = new ArrayList<>();
            for (TopicPartition tp : parts) {
                long start = Math.max(begin.get(tp), end.get(tp) - limit);
                if (start >= end.get(tp)) {
                    continue;
                }
                c.assign(List.of(tp));
                c.seek(tp, start);
                while (c.position(tp, TIMEOUT) < end.get(tp)) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                        if (r.offset() < end.get(tp)) {
                            all.add(DeadLetter.of(r));
                        }
                    }
                }
            }
            all.sort(Comparator.comparing(DeadLetter::deadLetteredAt).reversed());
            return all.subList(0, Math.min(limit, all.size()));
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "read the dead-letter topic");
        }
    }

    private Consumer<byte[], byte[]> consumer(int maxPollRecords) {
        Map<String, Object> p = props.reader(maxPollRecords);
        return new KafkaConsumer<>(p);
    }

    private List<TopicPartition> partitions(Consumer<byte[], byte[]> c) {
        return c.partitionsFor(topics.dlq(), TIMEOUT).stream()
                .map(i -> new TopicPartition(topics.dlq(), i.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    private static Map<TopicPartition, Long> timestamps(List<TopicPartition> parts, long ts) {
        Map<TopicPartition, Long> m = new HashMap<>();
        parts.forEach(p -> m.put(p, ts));
        return m;
    }

    static String encode(Map<TopicPartition, Long> position) {
        StringBuilder b = new StringBuilder();
        position.forEach((tp, off) -> b.append(b.isEmpty() ? "" : ",").append(tp.partition()).append(':').append(off));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Map<Integer, Long> decode(String cursor) {
        try {
            Map<Integer, Long> out = new HashMap<>();
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            for (String part : raw.split(",")) {
                String[] kv = part.split(":");
                out.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
            }
            return out;
        } catch (RuntimeException e) {
            throw new MeshException(ErrorCode.INVALID_REQUEST, "cursor: not a cursor this API returned",
                    Map.of("field", "cursor"));
        }
    }
}
