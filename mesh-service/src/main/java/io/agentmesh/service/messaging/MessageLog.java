package io.agentmesh.service.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.service.kafka.TopicScanner;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The message log, read from {@code mesh.events} (the router's lifecycle records, keyed by message
 * id): recent messages with their latest state, one message's whole life, and a streamed export.
 */
public final class MessageLog {

    private final MeshTopics topics;
    private final KafkaClientProps props;
    private final ObjectMapper mapper;

    public MessageLog(MeshTopics topics, KafkaClientProps props, ObjectMapper mapper) {
        this.topics = topics;
        this.props = props;
        this.mapper = mapper;
    }

    /** The {@code limit} messages with the most recent events, newest first, each with its latest event. */
    public List<JsonNode> recent(int limit) {
        List<ConsumerRecord<byte[], byte[]>> tail = new ArrayList<>();
        try (TopicScanner scanner = scanner()) {
            List<TopicPartition> parts = scanner.partitions(topics.events());
            Map<TopicPartition, Long> end = scanner.ends(parts);
            Map<TopicPartition, Long> begin = scanner.beginnings(parts);
            for (TopicPartition tp : parts) {
                // a message has a few events at most: 4 x limit per partition is plenty
                long start = Math.max(begin.get(tp), end.get(tp) - 4L * limit);
                scanner.forEach(tp, start, end.get(tp), tail::add);
            }
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "read the message log");
        }
        // a message's events share its partition (keyed by its id): their offsets are their order, whatever
        // the clocks of the nodes that wrote them said
        tail.sort(Comparator.comparingLong(ConsumerRecord<byte[], byte[]>::offset));
        Map<String, ObjectNode> latest = new java.util.HashMap<>();
        Map<String, ConsumerRecord<byte[], byte[]>> latestRecord = new java.util.HashMap<>();
        for (var r : tail) {
            JsonNode e = parse(r);
            // position acks name no message: they are in the export, not in the per-message log
            if (e == null || !e.hasNonNull("id") || !e.isObject()) {
                continue;
            }
            String id = e.path("id").asText();
            ObjectNode now = ((ObjectNode) e).deepCopy();
            ObjectNode before = latest.put(id, now);
            if (before != null) {
                fillFrom(now, before);
            }
            latestRecord.put(id, r);
        }
        Comparator<String> newestFirst = Comparator.<String>comparingLong(id -> latestRecord.get(id).timestamp())
                .thenComparingLong(id -> latestRecord.get(id).offset()).reversed();
        return latest.keySet().stream().sorted(newestFirst).limit(limit).map(id -> (JsonNode) latest.get(id)).toList();
    }

    /** What a message's later events (delivered, acked) do not repeat: taken from its earlier ones. */
    static final List<String> CARRIED = List.of("from", "to", "agents", "accepted_at");

    private static void fillFrom(ObjectNode latest, JsonNode earlier) {
        for (String field : CARRIED) {
            if (!latest.hasNonNull(field) && earlier.hasNonNull(field)) {
                latest.set(field, earlier.get(field));
            }
        }
    }

    /** Every event of one message since {@code since}, oldest first. */
    public List<JsonNode> life(String messageId, Instant since) {
        List<JsonNode> out = new ArrayList<>();
        try (TopicScanner scanner = scanner()) {
            List<TopicPartition> parts = scanner.partitions(topics.events());
            byte[] key = messageId.getBytes(StandardCharsets.UTF_8);
            // the router writes events keyed by message id with the default partitioner
            TopicPartition tp = parts.get(Utils.toPositive(Utils.murmur2(key)) % parts.size());
            scanner.forEach(tp, startAt(scanner, tp, since), scanner.ends(List.of(tp)).get(tp), r -> {
                if (r.key() != null && messageId.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                    JsonNode e = parse(r);
                    if (e != null) {
                        out.add(e);
                    }
                }
            });
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "read the life of " + messageId);
        }
        return out;
    }

    /** Streams every event in [since, until) to {@code sink}, partition by partition; returns how many. */
    public long export(Instant since, Instant until, java.util.function.Consumer<JsonNode> sink) {
        long[] n = {0};
        try (TopicScanner scanner = scanner()) {
            for (TopicPartition tp : scanner.partitions(topics.events())) {
                scanner.forEach(tp, startAt(scanner, tp, since), scanner.ends(List.of(tp)).get(tp), r -> {
                    if (until == null || r.timestamp() < until.toEpochMilli()) {
                        JsonNode e = parse(r);
                        if (e != null) {
                            sink.accept(e);
                            n[0]++;
                        }
                    }
                });
            }
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "export the message log");
        }
        return n[0];
    }

    private static long startAt(TopicScanner scanner, TopicPartition tp, Instant since) {
        if (since == null) {
            return scanner.beginnings(List.of(tp)).get(tp);
        }
        Long at = scanner.offsetsAt(List.of(tp), since).get(tp);
        return at == null ? scanner.ends(List.of(tp)).get(tp) : at;
    }

    private JsonNode parse(ConsumerRecord<byte[], byte[]> r) {
        try {
            return r.value() == null ? null : mapper.readTree(r.value());
        } catch (IOException e) {
            return null;
        }
    }

    private TopicScanner scanner() {
        return TopicScanner.open(props, 1000);
    }
}
