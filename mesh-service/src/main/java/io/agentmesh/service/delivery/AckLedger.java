package io.agentmesh.service.delivery;

import io.agentmesh.service.errors.MeshException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The acknowledgement bookkeeping of one agent's inbox served to Connect streams: what was read and
 * waits, what was delivered to which stream and how often, what was acknowledged out of order — and
 * from that the commit, per partition the lowest offset not yet acknowledged with the offsets
 * acknowledged above it and those delivered but not acknowledged (a later session starts their
 * attempt count from there). Messages a stream gives back (it ended unacked) wait again, in offset
 * order. Not thread-safe: its session holds the lock.
 *
 * @param <S> a stream
 */
final class AckLedger<S> {

    /** A message's place in the inbox; its delivery id is {@code <partition>-<offset>}. */
    record Position(int partition, long offset) implements Comparable<Position> {

        static Position parse(String id) {
            int dash = id == null ? -1 : id.indexOf('-');
            if (dash <= 0) {
                return null;
            }
            try {
                return new Position(Integer.parseInt(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        String id() {
            return partition + "-" + offset;
        }

        @Override
        public int compareTo(Position o) {
            return partition != o.partition ? Integer.compare(partition, o.partition) : Long.compare(offset, o.offset);
        }
    }

    /** One delivery to make: where, what, and the how-many-th time. */
    record Delivery(Position position, InboxRecord record, int attempt) {
    }

    private final TreeMap<Position, InboxRecord> waiting = new TreeMap<>();
    private final Map<Position, S> inFlight = new HashMap<>();
    private final Map<Position, InboxRecord> delivered = new HashMap<>();
    private final Map<Position, Integer> attempts = new HashMap<>();
    private final Map<Integer, Long> read = new HashMap<>();
    private final Map<Integer, NavigableSet<Long>> ackedAbove = new HashMap<>();
    private boolean dirty;

    /** Starts from the inbox's acknowledged position (offset and out-of-order acks per partition). */
    AckLedger(Map<Integer, InboxCursor.Commit> acknowledged) {
        acknowledged.forEach((p, c) -> {
            read.put(p, c.offset());
            NavigableSet<Long> acked = new TreeSet<>(c.ackedAbove());
            acked.removeIf(o -> o < c.offset());
            ackedAbove.put(p, acked);
            // delivered by an earlier session and never acked: their next delivery is at least the second
            c.sent().stream().filter(o -> o >= c.offset() && !acked.contains(o))
                    .forEach(o -> attempts.put(new Position(p, o), 1));
        });
    }

    /** Takes what a read brought (messages acked earlier were already passed over by the cursor). */
    void read(InboxCursor.Batch batch) {
        for (InboxRecord r : batch.records()) {
            waiting.put(new Position(r.partition(), r.offset()), r);
        }
        read.putAll(batch.next());
        if (!batch.next().isEmpty()) {
            dirty = true;
        }
    }

    int waiting() {
        return waiting.size();
    }

    /** Entries the ledger holds in all its maps (what a long-lived stream keeps on the heap). */
    int retained() {
        int acked = 0;
        for (NavigableSet<Long> s : ackedAbove.values()) {
            acked += s.size();
        }
        return waiting.size() + inFlight.size() + delivered.size() + attempts.size() + read.size() + acked;
    }

    int inFlight() {
        return inFlight.size();
    }

    /** Hands the lowest waiting message to {@code stream}; null when none waits. */
    Delivery next(S stream) {
        Map.Entry<Position, InboxRecord> next = waiting.pollFirstEntry();
        if (next == null) {
            return null;
        }
        Position p = next.getKey();
        inFlight.put(p, stream);
        delivered.put(p, next.getValue());
        // recorded in the next commit, so a later session knows it went out once
        dirty = true;
        return new Delivery(p, next.getValue(), attempts.merge(p, 1, Integer::sum));
    }

    /**
     * Acknowledges deliveries of {@code stream}; an id it does not hold unacked is refused and
     * nothing changes. Returns the messages acknowledged.
     */
    List<InboxRecord> ack(S stream, List<String> ids) {
        List<Position> positions = new ArrayList<>();
        for (String id : ids) {
            Position p = Position.parse(id);
            if (p == null || stream == null || inFlight.get(p) != stream) {
                throw MeshException.invalidField("delivery_ids", "'" + id + "' is not an unacked delivery of this stream");
            }
            positions.add(p);
        }
        List<InboxRecord> done = new ArrayList<>();
        for (Position p : positions) {
            inFlight.remove(p);
            InboxRecord r = delivered.remove(p);
            if (r != null) {
                done.add(r);
            }
            attempts.remove(p);
            ackedAbove.computeIfAbsent(p.partition(), k -> new TreeSet<>()).add(p.offset());
        }
        dirty = true;
        return done;
    }

    /** What {@code stream} holds unacked goes back to wait (it ended); answers how many. */
    int giveBack(S stream) {
        int n = 0;
        for (var it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue() == stream) {
                it.remove();
                InboxRecord r = delivered.remove(e.getKey());
                if (r != null) {
                    waiting.put(e.getKey(), r);
                }
                n++;
            }
        }
        return n;
    }

    int unackedBy(S stream) {
        int n = 0;
        for (S s : inFlight.values()) {
            if (s == stream) {
                n++;
            }
        }
        return n;
    }

    /**
     * The commit to make when anything changed since the last one (null otherwise): per partition
     * read, the lowest offset still waiting or unacked (else the next to read), with the offsets
     * acknowledged above it.
     */
    Map<Integer, InboxCursor.Commit> commit() {
        if (!dirty) {
            return null;
        }
        Map<Integer, InboxCursor.Commit> out = new TreeMap<>();
        for (Map.Entry<Integer, Long> e : read.entrySet()) {
            int partition = e.getKey();
            long watermark = e.getValue();
            Position first = waiting.ceilingKey(new Position(partition, Long.MIN_VALUE));
            if (first != null && first.partition() == partition) {
                watermark = Math.min(watermark, first.offset());
            }
            for (Position p : inFlight.keySet()) {
                if (p.partition() == partition) {
                    watermark = Math.min(watermark, p.offset());
                }
            }
            NavigableSet<Long> acked = ackedAbove.computeIfAbsent(partition, k -> new TreeSet<>());
            final long w = watermark;
            acked.removeIf(o -> o < w);
            NavigableSet<Long> sent = new TreeSet<>();
            attempts.keySet().forEach(pos -> {
                if (pos.partition() == partition && pos.offset() >= w) {
                    sent.add(pos.offset());
                }
            });
            out.put(partition, new InboxCursor.Commit(watermark, new TreeSet<>(acked), sent));
        }
        dirty = false;
        return out;
    }
}
