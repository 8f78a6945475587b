package io.agentmesh.service.dlq;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.service.kafka.TopicScanner;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
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
        try (TopicScanner scanner = TopicScanner.open(props, 500)) {
            List<TopicPartition> parts = scanner.partitions(topics.dlq());
            Map<TopicPartition, Long> end = scanner.ends(parts);
            Map<TopicPartition, Long> begin = scanner.beginnings(parts);
            Map<TopicPartition, Long> position = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
            Map<TopicPartition, Long> bySince = filter.sinceInstant() == null || from != null ? Map.of()
                    : scanner.offsetsAt(parts, filter.sinceInstant());
            for (TopicPartition tp : parts) {
                long start = begin.get(tp);
                if (from != null) {
                    start = Math.max(start, from.getOrDefault(tp.partition(), start));
                } else if (bySince.get(tp) != null) {
                    start = bySince.get(tp);
                } else if (filter.sinceInstant() != null) {
                    start = end.get(tp);
                }
                position.put(tp, start);
            }
            List<DeadLetter> items = new ArrayList<>();
            long[] scanned = {0};
            for (TopicPartition tp : position.keySet()) {
                if (items.size() >= limit || scanned[0] >= maxScan) {
                    break;
                }
                position.put(tp, scanner.scan(tp, position.get(tp), end.get(tp), r -> {
                    scanned[0]++;
                    DeadLetter d = DeadLetter.of(r);
                    if (wanted.test(d)) {
                        items.add(d);
                    }
                    return items.size() < limit && scanned[0] < maxScan;
                }));
            }
            boolean done = position.entrySet().stream().allMatch(e -> e.getValue() >= end.get(e.getKey()));
            // oldest first within the page (a page is read partition by partition)
            items.sort(Comparator.comparing(DeadLetter::deadLetteredAt).thenComparing(DeadLetter::dlqId));
            return new Page(items, done ? null : encode(position), scanned[0]);
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
        try (TopicScanner scanner = TopicScanner.open(props, 1)) {
            TopicPartition tp = new TopicPartition(topics.dlq(), partition);
            if (!scanner.partitions(topics.dlq()).contains(tp)) {
                return Optional.empty();
            }
            return scanner.read(tp, offset).map(DeadLetter::of);
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "read dead letter " + dlqId);
        }
    }

    /** The {@code limit} most recently dead-lettered, newest first. */
    public List<DeadLetter> recent(int limit) {
        try (TopicScanner scanner = TopicScanner.open(props, 500)) {
            List<TopicPartition> parts = scanner.partitions(topics.dlq());
            Map<TopicPartition, Long> end = scanner.ends(parts);
            Map<TopicPartition, Long> begin = scanner.beginnings(parts);
            List<DeadLetter> all = new ArrayList<>();
            for (TopicPartition tp : parts) {
                long start = Math.max(begin.get(tp), end.get(tp) - limit);
                scanner.forEach(tp, start, end.get(tp), r -> all.add(DeadLetter.of(r)));
            }
            all.sort(Comparator.comparing(DeadLetter::deadLetteredAt).reversed());
            return all.subList(0, Math.min(limit, all.size()));
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "read the dead-letter topic");
        }
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
