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
 * Opens an agent's inbox for every way a message leaves it (long-poll, server-sent events, gRPC
 * Subscribe and Connect, webhook push): an {@link InboxCursor} at the acknowledged position, or
 * where a reader resumes. The agent's acknowledged position is the committed offset of consumer
 * group = agent id, the same group a direct Kafka consumer uses. Reading never commits; only
 * {@link #ack} (long-poll, Subscribe) or the delivery path that owns the inbox (Connect, push)
 * moves the position, so an unacknowledged message is returned again.
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

    /** The agent's inbox from its acknowledged position, reading at most {@code readAhead} records a poll. */
    public InboxCursor open(String agentId, int readAhead) {
        return openAt(agentId, Map.of(), readAhead);
    }

    /**
     * The agent's inbox at the given next offsets where given (400 naming Last-Event-ID for a
     * partition the inbox lacks or an offset past its end), else at the acknowledged ones.
     */
    public InboxCursor openAt(String agentId, Map<Integer, Long> from, int readAhead) {
        Consumer<byte[], byte[]> consumer = consumers.apply(props.inboxConsumer(agentId, readAhead));
        try {
            Set<TopicPartition> partitions = partitions(consumer, agentId);
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions, KAFKA_TIMEOUT);
            Map<TopicPartition, Long> ends = from.isEmpty() ? Map.of() : consumer.endOffsets(partitions, KAFKA_TIMEOUT);
            Map<Integer, OffsetAndMetadata> acked = new TreeMap<>();
            Map<Integer, Long> start = new TreeMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata at = committed.get(tp);
                if (at != null) {
                    acked.put(tp.partition(), at);
                }
                Long wanted = from.get(tp.partition());
                if (wanted != null && wanted > ends.get(tp)) {
                    throw MeshException.invalidField("Last-Event-ID", "offset " + wanted + " is past the end ("
                            + ends.get(tp) + ") of partition " + tp.partition());
                }
                if (wanted != null) {
                    consumer.seek(tp, wanted);
                    start.put(tp.partition(), wanted);
                } else if (at != null) {
                    consumer.seek(tp, at.offset());
                    start.put(tp.partition(), at.offset());
                } else {
                    consumer.seekToBeginning(List.of(tp));
                    start.put(tp.partition(), consumer.position(tp, KAFKA_TIMEOUT));
                }
            }
            for (Integer p : from.keySet()) {
                if (!partitions.contains(new TopicPartition(topics.inbox(agentId), p))) {
                    throw MeshException.invalidField("Last-Event-ID", "inbox of '" + agentId + "' has no partition " + p);
                }
            }
            return new InboxCursor(agentId, topics.inbox(agentId), consumer, acked, start);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e instanceof MeshException m ? m : KafkaFailures.translate(e, "open inbox of " + agentId);
        }
    }

    /**
     * Moves the acknowledged position forward (never back), committing under the inbox lease of
     * {@code epoch}. Offsets beyond the end of a partition are refused, and so are offsets beyond
     * {@code handedOut} (partition &rarr; next offset after what readers were given) and the
     * acknowledged position, which would pass over messages the agent never got; with
     * {@code handedOut} empty nothing is checked (Redis cannot say, or the caller asked to skip).
     * Fails with 409 while Kafka consumers of the agent's group are active.
     */
    public Map<Integer, Long> ack(String agentId, Map<Integer, Long> offsets, long epoch,
                                  java.util.Optional<Map<Integer, Long>> handedOut) {
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
                wanted.put(tp, new OffsetAndMetadata(e.getValue(),
                        AckedOffsets.encode(new java.util.TreeSet<>(), new java.util.TreeSet<>(), epoch)));
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
                int partition = e.getKey().partition();
                long acked = current != null ? current.offset()
                        : consumer.beginningOffsets(List.of(e.getKey()), KAFKA_TIMEOUT).get(e.getKey());
                // no mark for the partition (Redis lost it, or it was down when the messages left): not checked
                long given = handedOut.map(h -> h.get(partition)).map(mark -> Math.max(acked, mark)).orElse(Long.MAX_VALUE);
                if (offset > given) {
                    throw new MeshException(ErrorCode.INVALID_REQUEST, "offsets: offset " + offset + " of partition "
                            + partition + " is beyond what was delivered (" + given + "): acknowledging it would pass over "
                            + "messages the agent never got; send \"skip\": true to pass over them on purpose",
                            Map.of("field", "offsets", "partition", partition, "offset", offset, "delivered", given));
                }
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
