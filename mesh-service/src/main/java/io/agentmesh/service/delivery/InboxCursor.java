package io.agentmesh.service.delivery;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One reader's place in an agent's inbox, the same for every delivery path: a consumer of group =
 * agent id assigned to every partition, starting at the acknowledged offsets (or where the reader
 * resumes), that passes over messages a Connect stream acknowledged out of order (kept in the
 * commit's metadata), holds at most its read-ahead per poll, and commits only when asked. Opened
 * by {@link InboxReader}; one thread uses it at a time, except {@link #wakeup()}.
 */
public final class InboxCursor implements AutoCloseable {

    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);

    /** What one poll brought, and for every partition it touched the next offset to read. */
    public record Batch(List<InboxRecord> records, Map<Integer, Long> next) {

        /** Nothing was read at all (no message, and no acknowledged one passed over). */
        public boolean isEmpty() {
            return records.isEmpty() && next.isEmpty();
        }
    }

    private final String agentId;
    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final Map<Integer, OffsetAndMetadata> committed;
    private final Map<Integer, NavigableSet<Long>> ackedAbove = new HashMap<>();
    private final Map<Integer, Long> position = new TreeMap<>();

    InboxCursor(String agentId, String topic, Consumer<byte[], byte[]> consumer,
                Map<Integer, OffsetAndMetadata> committed, Map<Integer, Long> start) {
        this.agentId = agentId;
        this.topic = topic;
        this.consumer = consumer;
        this.committed = Collections.unmodifiableMap(new TreeMap<>(committed));
        committed.forEach((p, at) -> {
            NavigableSet<Long> acked = AckedOffsets.decode(at.metadata());
            acked.removeIf(o -> o < at.offset());
            ackedAbove.put(p, acked);
        });
        position.putAll(start);
    }

    public String agentId() {
        return agentId;
    }

    public String topic() {
        return topic;
    }

    /** The acknowledged position when the cursor was opened: per partition the offset and the acks above it. */
    public Map<Integer, Commit> acknowledged() {
        Map<Integer, Commit> out = new TreeMap<>();
        committed.forEach((p, at) -> {
            NavigableSet<Long> sent = AckedOffsets.decodeSent(at.metadata());
            sent.removeIf(o -> o < at.offset());
            out.put(p, new Commit(at.offset(), new TreeSet<>(ackedAbove.get(p)), sent));
        });
        return out;
    }

    /** The next offset to read, per partition. */
    public Map<Integer, Long> position() {
        return Collections.unmodifiableMap(position);
    }

    /**
     * Up to the read-ahead of records, waiting up to {@code timeout} for the first; messages already
     * acknowledged out of order are passed over (their offsets still move the position).
     */
    public Batch poll(Duration timeout) {
        List<InboxRecord> out = new ArrayList<>();
        Map<Integer, Long> next = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            next.put(r.partition(), r.offset() + 1);
            position.put(r.partition(), r.offset() + 1);
            if (!ackedAbove.getOrDefault(r.partition(), Collections.emptyNavigableSet()).contains(r.offset())) {
                out.add(InboxRecord.of(r));
            }
        }
        return new Batch(out, next);
    }

    /** Moves the agent's acknowledged position to {@code next} (partition → next offset), nothing acked above it. */
    public void commit(Map<Integer, Long> next) {
        Map<Integer, Commit> commits = new HashMap<>();
        next.forEach((p, o) -> commits.put(p, new Commit(o, new TreeSet<>())));
        commitWithAcks(commits, 0);
    }

    /**
     * One partition's commit: the lowest offset not yet acknowledged, the offsets acked above it,
     * and those delivered before but not acked (so a later session counts their redelivery).
     */
    public record Commit(long offset, NavigableSet<Long> ackedAbove, NavigableSet<Long> sent) {

        public Commit(long offset, NavigableSet<Long> ackedAbove) {
            this(offset, ackedAbove, new TreeSet<>());
        }
    }

    /** A commit refused because a later inbox lease has committed since (this holder's lease is stale). */
    public static final class FencedException extends RuntimeException {

        FencedException(String message) {
            super(message);
        }
    }

    /**
     * Commits each partition's watermark with its out-of-order acks in the metadata, under the inbox
     * lease of {@code epoch} (0: none). The position only moves forward: a partition whose committed
     * offset is already beyond the commit's is left alone. Throws {@link FencedException} when the
     * last commit was made under a later lease (this one was lost and taken over).
     */
    public void commitWithAcks(Map<Integer, Commit> commits, long epoch) {
        commitWithAcks(commits, epoch, theirs -> theirs > epoch);
    }

    /**
     * As {@link #commitWithAcks(Map, long)}, fenced when {@code fencedBy} says the epoch of the last
     * commit is a later lease's ({@link InboxLeases.Lease#fencedBy}).
     */
    public void commitWithAcks(Map<Integer, Commit> commits, long epoch, java.util.function.LongPredicate fencedBy) {
        if (commits.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        commits.forEach((p, c) -> out.put(new TopicPartition(topic, p),
                new OffsetAndMetadata(c.offset(), AckedOffsets.encode(c.ackedAbove(), c.sent(), epoch))));
        Map<TopicPartition, OffsetAndMetadata> current = consumer.committed(out.keySet(), COMMIT_TIMEOUT);
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : current.entrySet()) {
            OffsetAndMetadata now = e.getValue();
            if (now == null) {
                continue;
            }
            long theirs = AckedOffsets.decodeEpoch(now.metadata());
            if (epoch > 0 && theirs > epoch && fencedBy.test(theirs)) {
                throw new FencedException("the inbox of " + agentId + " was committed under a later lease (epoch "
                        + theirs + " > " + epoch + ")");
            }
            if (now.offset() > out.get(e.getKey()).offset()) {
                out.remove(e.getKey());
            }
        }
        if (!out.isEmpty()) {
            consumer.commitSync(out, COMMIT_TIMEOUT);
        }
    }

    /** Makes a blocked {@link #poll} return at once (with Kafka's WakeupException); safe from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
