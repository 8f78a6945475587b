package io.agentmesh.service.delivery;

import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads an agent's inbox on behalf of mesh clients (REST long-poll, gRPC Subscribe). The agent's
 * acknowledged position is the committed offset of consumer group = agent id, the same group a
 * direct Kafka consumer uses. Reading never commits; only {@link #ack} moves the position, so an
 * unacknowledged message is returned again.
 */
public final class InboxReader {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MIN_FIRST_FETCH = Duration.ofMillis(500);

    private final MeshTopics topics;
    private final KafkaClientProps props;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers;

    public InboxReader(MeshTopics topics, KafkaClientProps props) {
        this(topics, props, KafkaConsumer::new);
    }

    InboxReader(MeshTopics topics, KafkaClientProps props, Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers) {
        this.topics = topics;
        this.props = props;
        this.consumers = consumers;
    }

    public record Batch(List<InboxRecord> records, Map<Integer, Long> ack) {
    }

    /**
     * Returns up to {@code max} unacknowledged messages, waiting up to {@code wait} for the first.
     * Messages a Connect stream acked out of order (kept in the commit's metadata) are passed over.
     */
    public Batch poll(String agentId, int max, Duration wait) {
        Opened opened = openForSession(agentId, max);
        Map<Integer, java.util.NavigableSet<Long>> acked = new java.util.HashMap<>();
        opened.committed().forEach((p, om) -> acked.put(p, AckedOffsets.decode(om.metadata())));
        try (Consumer<byte[], byte[]> consumer = opened.consumer()) {
            List<InboxRecord> out = new ArrayList<>();
            Map<Integer, Long> ack = new TreeMap<>();
            long deadline = System.nanoTime() + Math.max(wait.toNanos(), MIN_FIRST_FETCH.toNanos());
            while (out.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofNanos(Math.min(left, 250_000_000L)))) {
                    if (out.size() >= max) {
                        continue;
                    }
                    ack.put(r.partition(), r.offset() + 1);
                    if (!acked.getOrDefault(r.partition(), java.util.Collections.emptyNavigableSet()).contains(r.offset())) {
                        out.add(InboxRecord.of(r));
                    }
                }
            }
            return new Batch(out, ack);
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "read inbox of " + agentId);
        }
    }

    /** A consumer for a delivery session, at the committed offsets, with those commits (and their metadata). */
    public record Opened(String topic, Consumer<byte[], byte[]> consumer, Map<Integer, OffsetAndMetadata> committed) {
    }

    public Opened openForSession(String agentId, int maxPollRecords) {
        Consumer<byte[], byte[]> consumer = consumers.apply(props.inboxConsumer(agentId, maxPollRecords));
        try {
            Set<TopicPartition> partitions = partitions(consumer, agentId);
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions, KAFKA_TIMEOUT);
            Map<Integer, OffsetAndMetadata> byPartition = new TreeMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata at = committed.get(tp);
                if (at != null) {
                    consumer.seek(tp, at.offset());
                    byPartition.put(tp.partition(), at);
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            return new Opened(topics.inbox(agentId), consumer, byPartition);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e instanceof MeshException m ? m : KafkaFailures.translate(e, "open inbox of " + agentId);
        }
    }

    /**
     * A consumer assigned to every partition of the inbox: at the given next offsets where given
     * (400 for a partition the inbox lacks or an offset past its end), else at the acknowledged ones.
     */
    public Consumer<byte[], byte[]> openAt(String agentId, Map<Integer, Long> from, int maxPollRecords) {
        Consumer<byte[], byte[]> consumer = openAtAckedPosition(agentId, maxPollRecords);
        try {
            Map<Integer, TopicPartition> byPartition = new java.util.HashMap<>();
            consumer.assignment().forEach(tp -> byPartition.put(tp.partition(), tp));
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), KAFKA_TIMEOUT);
            for (Map.Entry<Integer, Long> e : from.entrySet()) {
                TopicPartition tp = byPartition.get(e.getKey());
                if (tp == null) {
                    throw MeshException.invalidField("Last-Event-ID", "inbox of '" + agentId + "' has no partition " + e.getKey());
                }
                if (e.getValue() > ends.get(tp)) {
                    throw MeshException.invalidField("Last-Event-ID", "offset " + e.getValue() + " is past the end ("
                            + ends.get(tp) + ") of partition " + e.getKey());
                }
                consumer.seek(tp, e.getValue());
            }
            return consumer;
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e instanceof MeshException m ? m : KafkaFailures.translate(e, "open inbox of " + agentId);
        }
    }

    /** A consumer assigned to every partition of the inbox, positioned at the acknowledged offsets. */
    public Consumer<byte[], byte[]> openAtAckedPosition(String agentId, int maxPollRecords) {
        Consumer<byte[], byte[]> consumer = consumers.apply(props.inboxConsumer(agentId, maxPollRecords));
        try {
            Set<TopicPartition> partitions = partitions(consumer, agentId);
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions, KAFKA_TIMEOUT);
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata at = committed.get(tp);
                if (at != null) {
                    consumer.seek(tp, at.offset());
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            return consumer;
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e instanceof MeshException m ? m : KafkaFailures.translate(e, "open inbox of " + agentId);
        }
    }

    /**
     * Moves the acknowledged position forward (never back). Offsets beyond the end of a partition
     * are refused. Fails with 409 while Kafka consumers of the agent's group are active.
     */
    public Map<Integer, Long> ack(String agentId, Map<Integer, Long> offsets) {
        if (offsets == null || offsets.isEmpty()) {
            throw MeshException.invalidField("offsets", "give at least one partition -> offset");
        }
        try (Consumer<byte[], byte[]> consumer = consumers.apply(props.inboxConsumer(agentId, 1))) {
            Set<TopicPartition> known = partitions(consumer, agentId);
            Map<TopicPartition, OffsetAndMetadata> wanted = new java.util.HashMap<>();
            for (var e : offsets.entrySet()) {
                TopicPartition tp = new TopicPartition(topics.inbox(agentId), e.getKey());
                if (!known.contains(tp)) {
                    throw MeshException.invalidField("offsets", "inbox of '" + agentId + "' has no partition " + e.getKey());
                }
                if (e.getValue() == null || e.getValue() < 0) {
                    throw MeshException.invalidField("offsets", "offset for partition " + e.getKey() + " must be >= 0");
                }
                wanted.put(tp, new OffsetAndMetadata(e.getValue()));
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(wanted.keySet(), KAFKA_TIMEOUT);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(wanted.keySet(), KAFKA_TIMEOUT);
            Map<TopicPartition, OffsetAndMetadata> forward = new java.util.HashMap<>();
            Map<Integer, Long> result = new TreeMap<>();
            for (var e : wanted.entrySet()) {
                long offset = e.getValue().offset();
                if (offset > end.get(e.getKey())) {
                    throw MeshException.invalidField("offsets", "offset " + offset + " is beyond the end ("
                            + end.get(e.getKey()) + ") of partition " + e.getKey().partition());
                }
                OffsetAndMetadata current = committed.get(e.getKey());
                if (current == null || current.offset() < offset) {
                    forward.put(e.getKey(), e.getValue());
                    result.put(e.getKey().partition(), offset);
                } else {
                    result.put(e.getKey().partition(), current.offset());
                }
            }
            if (!forward.isEmpty()) {
                consumer.commitSync(forward, KAFKA_TIMEOUT);
            }
            return result;
        } catch (CommitFailedException | UnknownMemberIdException | IllegalGenerationException
                 | RebalanceInProgressException e) {
            throw new MeshException(ErrorCode.CONFLICT, "consumer group '" + agentId
                    + "' has active Kafka consumers; acknowledge through them instead", Map.of("group", agentId), e);
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "acknowledge inbox of " + agentId);
        }
    }

    private Set<TopicPartition> partitions(Consumer<byte[], byte[]> consumer, String agentId) {
        String topic = topics.inbox(agentId);
        List<PartitionInfo> infos = consumer.partitionsFor(topic, KAFKA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new MeshException(ErrorCode.AGENT_NOT_FOUND, "agent '" + agentId + "' has no inbox topic " + topic,
                    Map.of("id", agentId));
        }
        Set<TopicPartition> out = new HashSet<>();
        infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        return out;
    }
}
