package io.agentmesh.service.delivery;

import io.agentmesh.service.errors.MeshException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One agent's inbox served to its open streams on this node. Records are read only while the
 * streams have credit for them (at most {@code maxBuffered} wait here), handed out lowest offset
 * first, round-robin over streams with credit, and tracked until acked (at most
 * {@code 4 * maxBuffered} unacked per agent: beyond that, more credit waits for acks). The committed offset of the
 * agent's consumer group is the lowest offset not yet acked (acks above it go into the commit's
 * metadata), so a stream that ends unacked — or a node that dies — hands its messages back: they
 * come again, in order, to another stream or the agent's next one. One thread per session runs the
 * Kafka consumer; streams talk to it under the session's lock.
 */
final class InboxSession implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.grpc");
    private static final Duration POLL = Duration.ofMillis(100);

    private record Pos(int partition, long offset) implements Comparable<Pos> {
        static Pos parse(String id) {
            int dash = id == null ? -1 : id.indexOf('-');
            if (dash <= 0) {
                return null;
            }
            try {
                return new Pos(Integer.parseInt(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        String id() {
            return partition + "-" + offset;
        }

        @Override
        public int compareTo(Pos o) {
            return partition != o.partition ? Integer.compare(partition, o.partition) : Long.compare(offset, o.offset);
        }
    }

    private static final class SinkState {
        final DeliverySink sink;
        final Instant since = Instant.now();
        int credit;
        long messages;
        long bytes;
        final TreeSet<Pos> unacked = new TreeSet<>();

        SinkState(DeliverySink sink, int credit) {
            this.sink = sink;
            this.credit = credit;
        }
    }

    private final String agentId;
    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final DeliveryEvents deliveries;
    private final int maxBuffered;
    private final int maxUnacked;
    private volatile Runnable onClosed = () -> { };
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    private final TreeMap<Pos, InboxRecord> pending = new TreeMap<>();
    private final Map<Pos, SinkState> inFlight = new HashMap<>();
    private final Map<Pos, InboxRecord> delivered = new HashMap<>();
    private final Map<Pos, Integer> attempts = new HashMap<>();
    private final Map<Integer, Long> position = new HashMap<>();
    private final Map<Integer, NavigableSet<Long>> ackedAbove = new HashMap<>();
    private final LinkedHashMap<DeliverySink, SinkState> sinks = new LinkedHashMap<>();
    private final List<SinkState> rotation = new ArrayList<>();
    private int cursor;
    private boolean dirty;
    private boolean closing;
    private volatile boolean stopped;
    private boolean paused;

    InboxSession(String agentId, String topic, Consumer<byte[], byte[]> consumer,
                 Map<Integer, OffsetAndMetadata> committed, DeliveryEvents deliveries, int maxBuffered) {
        this.agentId = agentId;
        this.topic = topic;
        this.consumer = consumer;
        this.deliveries = deliveries;
        this.maxBuffered = maxBuffered;
        this.maxUnacked = maxBuffered * 4;
        committed.forEach((p, om) -> {
            position.put(p, om.offset());
            NavigableSet<Long> acked = AckedOffsets.decode(om.metadata());
            acked.removeIf(o -> o < om.offset());
            ackedAbove.put(p, acked);
        });
    }

    String agentId() {
        return agentId;
    }

    void onClosed(Runnable action) {
        this.onClosed = action;
    }

    /** Waits until the session's thread has made its last commit and closed the consumer. */
    void awaitClosed(Duration timeout) {
        try {
            done.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Adds a stream with its first credit; false if the session is already closing. */
    synchronized boolean attach(DeliverySink sink, int credit) {
        if (closing) {
            return false;
        }
        SinkState s = new SinkState(sink, credit);
        sinks.put(sink, s);
        rotation.add(s);
        dispatch();
        notifyAll();
        return true;
    }

    synchronized void credit(DeliverySink sink, int more) {
        SinkState s = sinks.get(sink);
        if (s != null) {
            s.credit = (int) Math.min(Integer.MAX_VALUE, (long) s.credit + more);
            dispatch();
            notifyAll();
        }
    }

    /** Acks deliveries of this stream; an id it does not hold unacked is refused, nothing else changes. */
    synchronized void ack(DeliverySink sink, List<String> ids) {
        SinkState s = sinks.get(sink);
        List<Pos> positions = new ArrayList<>();
        for (String id : ids) {
            Pos p = Pos.parse(id);
            if (p == null || s == null || !s.unacked.contains(p)) {
                throw MeshException.invalidField("delivery_ids", "'" + id + "' is not an unacked delivery of this stream");
            }
            positions.add(p);
        }
        for (Pos p : positions) {
            s.unacked.remove(p);
            inFlight.remove(p);
            attempts.remove(p);
            ackedAbove.computeIfAbsent(p.partition(), k -> new TreeSet<>()).add(p.offset());
        }
        dirty = true;
        dispatch();
        notifyAll();
    }

    /** Removes a stream; what it had not acked goes back to the front of the queue. */
    synchronized void detach(DeliverySink sink) {
        SinkState s = sinks.remove(sink);
        if (s == null) {
            return;
        }
        rotation.remove(s);
        handBack(s);
        if (sinks.isEmpty()) {
            closing = true;
        }
        dispatch();
        notifyAll();
    }

    /** Ends every stream (their unacked messages stay uncommitted) and closes the session. */
    void endAll(String reason) {
        List<DeliverySink> all;
        synchronized (this) {
            all = new ArrayList<>(sinks.keySet());
        }
        for (DeliverySink sink : all) {
            detach(sink);
            synchronized (this) {
                sink.end(reason);
            }
        }
        synchronized (this) {
            closing = true;
            notifyAll();
        }
    }

    synchronized List<StreamInfo> streams() {
        List<StreamInfo> out = new ArrayList<>();
        for (SinkState s : sinks.values()) {
            out.add(new StreamInfo(s.sink.id(), agentId, s.sink.peer(), s.since.toString(), s.messages, s.bytes,
                    s.credit, s.unacked.size()));
        }
        return out;
    }

    synchronized int buffered() {
        return pending.size();
    }

    synchronized int unacked() {
        return inFlight.size();
    }

    private void handBack(SinkState s) {
        for (Pos p : s.unacked) {
            InboxRecord r = recordOf(p);
            inFlight.remove(p);
            if (r != null) {
                pending.put(p, r);
            }
        }
        s.unacked.clear();
    }

    private InboxRecord recordOf(Pos p) {
        return delivered.remove(p);
    }

    /** Paused (drain): no new deliveries; acks still count. */
    synchronized void pause(boolean value) {
        paused = value;
        notifyAll();
    }

    /** Hands pending records to streams with credit, lowest offset first, round-robin. */
    private void dispatch() {
        while (!paused && !pending.isEmpty() && !rotation.isEmpty() && inFlight.size() < maxUnacked) {
            SinkState target = null;
            for (int i = 0; i < rotation.size(); i++) {
                SinkState s = rotation.get((cursor + i) % rotation.size());
                if (s.credit > 0) {
                    target = s;
                    cursor = (cursor + i + 1) % rotation.size();
                    break;
                }
            }
            if (target == null) {
                return;
            }
            Map.Entry<Pos, InboxRecord> next = pending.pollFirstEntry();
            Pos p = next.getKey();
            int attempt = attempts.merge(p, 1, Integer::sum);
            target.credit--;
            target.messages++;
            target.bytes += next.getValue().payload().length;
            target.unacked.add(p);
            inFlight.put(p, target);
            delivered.put(p, next.getValue());
            target.sink.deliver(p.id(), next.getValue(), attempt);
            if (attempt == 1) {
                deliveries.delivered(agentId, "grpc", List.of(next.getValue()));
            }
        }
    }

    private synchronized boolean wantsRecords() {
        int credit = 0;
        for (SinkState s : rotation) {
            credit += Math.min(s.credit, maxBuffered);
        }
        return !closing && !paused && pending.size() < Math.min(credit, maxBuffered);
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                synchronized (this) {
                    if (closing && sinks.isEmpty()) {
                        break;
                    }
                }
                if (wantsRecords()) {
                    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                    consumer.poll(POLL).forEach(batch::add);
                    take(batch);
                } else {
                    synchronized (this) {
                        wait(POLL.toMillis());
                    }
                }
                commitIfDirty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (WakeupException e) {
            LOG.debug("session of {} woken up to stop", agentId);
        } catch (RuntimeException e) {
            LOG.warn("inbox session of {} failed: {}", agentId, e.toString());
            endAll("inbox session failed: " + e.getMessage());
        } finally {
            try {
                commitIfDirty();
            } catch (RuntimeException e) {
                LOG.warn("final commit of {} failed (its unacked messages will come again): {}", agentId, e.toString());
            }
            consumer.close(Duration.ofSeconds(2));
            done.countDown();
            onClosed.run();
        }
    }

    private synchronized void take(List<ConsumerRecord<byte[], byte[]>> batch) {
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            position.put(r.partition(), r.offset() + 1);
            NavigableSet<Long> acked = ackedAbove.get(r.partition());
            if (acked != null && acked.contains(r.offset())) {
                continue;
            }
            pending.put(new Pos(r.partition(), r.offset()), InboxRecord.of(r));
        }
        if (!batch.isEmpty()) {
            dirty = true;
        }
        dispatch();
    }

    private void commitIfDirty() {
        Map<TopicPartition, OffsetAndMetadata> commit;
        synchronized (this) {
            if (!dirty) {
                return;
            }
            commit = new HashMap<>();
            for (Map.Entry<Integer, Long> e : position.entrySet()) {
                int partition = e.getKey();
                long watermark = e.getValue();
                for (Pos p : pending.keySet()) {
                    if (p.partition() == partition) {
                        watermark = Math.min(watermark, p.offset());
                        break;
                    }
                }
                for (Pos p : inFlight.keySet()) {
                    if (p.partition() == partition) {
                        watermark = Math.min(watermark, p.offset());
                    }
                }
                NavigableSet<Long> acked = ackedAbove.computeIfAbsent(partition, k -> new TreeSet<>());
                final long w = watermark;
                acked.removeIf(o -> o < w);
                commit.put(new TopicPartition(topic, partition), new OffsetAndMetadata(watermark, AckedOffsets.encode(acked)));
            }
            dirty = false;
        }
        consumer.commitSync(commit, Duration.ofSeconds(5));
    }

    void stop() {
        stopped = true;
        consumer.wakeup();
    }
}
