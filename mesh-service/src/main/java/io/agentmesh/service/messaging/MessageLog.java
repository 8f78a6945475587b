package io.agentmesh.service.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message log, read from {@code mesh.events} (the router's lifecycle records, keyed by message
 * id): recent messages with their latest state, one message's whole life, and a streamed export.
 */
public final class MessageLog {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

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
        try (var c = consumer()) {
            List<TopicPartition> parts = partitions(c);
            Map<TopicPartition, Long> end = c.endOffsets(parts, TIMEOUT);
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts, TIMEOUT);
            for (TopicPartition tp : parts) {
                // a message has a few events at most: 4 x limit per partition is plenty
                long start = Math.max(begin.get(tp), end.get(tp) - 4L * limit);
                readRange(c, tp, start, end.get(tp), tail::add);
            }
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "read the message log");
        }
        tail.sort(Comparator.comparingLong(ConsumerRecord<byte[], byte[]>::timestamp).reversed());
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        for (var r : tail) {
            JsonNode e = parse(r);
            if (e != null && latest.size() < limit) {
                latest.putIfAbsent(e.path("id").asText(), e);
            }
        }
        return new ArrayList<>(latest.values());
    }

    /** Every event of one message since {@code since}, oldest first. */
    public List<JsonNode> life(String messageId, Instant since) {
        List<JsonNode> out = new ArrayList<>();
        try (var c = consumer()) {
            List<TopicPartition> parts = partitions(c);
            byte[] key = messageId.getBytes(StandardCharsets.UTF_8);
            // the router writes events keyed by message id with the default partitioner
            TopicPartition tp = parts.get(Utils.toPositive(Utils.murmur2(key)) % parts.size());
            long end = c.endOffsets(List.of(tp), TIMEOUT).get(tp);
            long start = startAt(c, tp, since);
            readRange(c, tp, start, end, r -> {
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
        try (var c = consumer()) {
            for (TopicPartition tp : partitions(c)) {
                long end = c.endOffsets(List.of(tp), TIMEOUT).get(tp);
                readRange(c, tp, startAt(c, tp, since), end, r -> {
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

    private long startAt(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c, TopicPartition tp, Instant since) {
        if (since == null) {
            return c.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        query.put(tp, since.toEpochMilli());
        OffsetAndTimestamp at = c.offsetsForTimes(query, TIMEOUT).get(tp);
        return at == null ? c.endOffsets(List.of(tp), TIMEOUT).get(tp) : at.offset();
    }

    private static void readRange(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c, TopicPartition tp,
                                  long start, long end, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        if (start >= end) {
            return;
        }
        c.assign(List.of(tp));
        c.seek(tp, start);
        while (c.position(tp, TIMEOUT) < end) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                if (r.offset() < end) {
                    each.accept(r);
                }
            }
        }
    }

    private JsonNode parse(ConsumerRecord<byte[], byte[]> r) {
        try {
            return r.value() == null ? null : mapper.readTree(r.value());
        } catch (IOException e) {
            return null;
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(props.reader(1000));
    }

    private List<TopicPartition> partitions(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c) {
        return c.partitionsFor(topics.events(), TIMEOUT).stream()
                .map(i -> new TopicPartition(topics.events(), i.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }
}
