package io.agentmesh.streams.router;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Messages waiting for their target, in persistent changelogged stores (they survive a restart and
 * move with their partition). Waiting costs nothing per message: a target that cannot be routed is
 * checked once per backoff step for all its messages, and each message has one entry in a
 * deadline index, visited only when it gives up. A message waits behind earlier messages with the
 * same routing key to the same target (a lane), never behind other targets' traffic.
 * <ul>
 *   <li>{@code parked-messages}: target + seq &rarr; parked record (a target's messages in arrival order)</li>
 *   <li>{@code parked-targets}: target &rarr; its state (next seq, count, failed checks, next check, last reason)</li>
 *   <li>{@code parked-lanes}: target + routing key &rarr; how many wait in that lane</li>
 *   <li>{@code parked-checks}: next check time + target &rarr; target (the check schedule)</li>
 *   <li>{@code parked-deadlines}: give-up time + target + seq &rarr; target</li>
 * </ul>
 * The stores of the previous layout ({@code retry-queue}, {@code retry-keys}, {@code retry-due})
 * are still registered so that what waits in them is moved here when the router starts.
 */
final class RetryStore {

    static final String MESSAGES = "parked-messages";
    static final String TARGETS = "parked-targets";
    static final String LANES = "parked-lanes";
    static final String CHECKS = "parked-checks";
    static final String DEADLINES = "parked-deadlines";
    static final String LEGACY_QUEUE = "retry-queue";
    static final String LEGACY_KEYS = "retry-keys";
    static final String LEGACY_DUE = "retry-due";
    private static final char SEP = '\u0000';
    private static final String END = "\uffff";

    /** A target's place in the stores: the next sequence number, how many wait, its failed checks and next check. */
    record TargetState(long nextSeq, long count, long checks, long nextCheckAt, String lastReason, String lastError) {

        static TargetState parse(String s) {
            String[] p = s.split(String.valueOf(SEP), -1);
            return new TargetState(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]),
                    p[4].isEmpty() ? null : p[4], p[5].isEmpty() ? null : p[5]);
        }

        String format() {
            return nextSeq + "" + SEP + count + SEP + checks + SEP + nextCheckAt + SEP
                    + (lastReason == null ? "" : lastReason) + SEP + (lastError == null ? "" : lastError.replace(SEP, ' '));
        }
    }

    /** A message due to give up: its target and place. */
    record Due(String target, long seq) {
    }

    /** A parked message with its place. */
    record Parked(long seq, ParkedRecord record) {
    }

    private final KeyValueStore<String, byte[]> messages;
    private final KeyValueStore<String, String> targets;
    private final KeyValueStore<String, Long> lanes;
    private final KeyValueStore<String, String> checks;
    private final KeyValueStore<String, String> deadlines;
    private long waiting;

    RetryStore(KeyValueStore<String, byte[]> messages, KeyValueStore<String, String> targets,
               KeyValueStore<String, Long> lanes, KeyValueStore<String, String> checks,
               KeyValueStore<String, String> deadlines) {
        this.messages = messages;
        this.targets = targets;
        this.lanes = lanes;
        this.checks = checks;
        this.deadlines = deadlines;
        try (KeyValueIterator<String, String> it = targets.all()) {
            it.forEachRemaining(kv -> waiting += TargetState.parse(kv.value).count());
        }
    }

    static List<StoreBuilder<?>> builders() {
        return List.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MESSAGES), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TARGETS), Serdes.String(), Serdes.String()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LANES), Serdes.String(), Serdes.Long()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHECKS), Serdes.String(), Serdes.String()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINES), Serdes.String(), Serdes.String()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEGACY_QUEUE), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEGACY_KEYS), Serdes.String(), Serdes.String()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEGACY_DUE), Serdes.String(), Serdes.String()));
    }

    /** Whether an earlier message with this routing key waits for this target. */
    boolean isWaiting(String target, String routingKey) {
        return lanes.get(lane(target, routingKey)) != null;
    }

    Optional<TargetState> state(String target) {
        return Optional.ofNullable(targets.get(target)).map(TargetState::parse);
    }

    long waiting() {
        return waiting;
    }

    long waiting(String target) {
        return state(target).map(TargetState::count).orElse(0L);
    }

    /**
     * Parks a message at the end of its target's queue. A target new to the store is first
     * checked at {@code firstCheckAt}; {@code reason} and {@code error} say why it cannot be routed.
     */
    void park(String target, ParkedRecord record, long firstCheckAt, String reason, String error) {
        String raw = targets.get(target);
        TargetState s = raw == null ? new TargetState(0, 0, 0, firstCheckAt, reason, error) : TargetState.parse(raw);
        long seq = s.nextSeq();
        messages.put(entry(target, seq), record.parkedAt(s.checks()).toBytes());
        String lane = lane(target, record.routingKey());
        Long inLane = lanes.get(lane);
        lanes.put(lane, inLane == null ? 1 : inLane + 1);
        deadlines.put(deadline(record.deadlineMs(), target, seq), target);
        if (raw == null) {
            checks.put(check(firstCheckAt, target), target);
        }
        targets.put(target, new TargetState(seq + 1, s.count() + 1, s.checks(), s.nextCheckAt(),
                reason != null ? reason : s.lastReason(), error != null ? error : s.lastError()).format());
        waiting++;
    }

    /** Targets whose next check is due at or before {@code now}, earliest first. */
    List<String> dueChecks(long now) {
        return values(checks, check(0, ""), check(now, END));
    }

    /** Messages whose give-up time is at or before {@code now}, earliest first. */
    List<Due> dueDeadlines(long now) {
        List<Due> out = new ArrayList<>();
        try (KeyValueIterator<String, String> it = deadlines.range(deadline(0, "", 0), deadline(now, END, 0))) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                String key = kv.key;
                out.add(new Due(kv.value, Long.parseLong(key.substring(key.lastIndexOf(SEP) + 1))));
            }
        }
        return out;
    }

    /** Every target with waiting messages. */
    List<String> targets() {
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, String> it = targets.all()) {
            it.forEachRemaining(kv -> out.add(kv.key));
        }
        return out;
    }

    /** A check of the target failed: count it and schedule the next one. */
    void checkFailed(String target, long nextCheckAt, String reason, String error) {
        String raw = targets.get(target);
        if (raw == null) {
            return;
        }
        TargetState s = TargetState.parse(raw);
        checks.delete(check(s.nextCheckAt(), target));
        checks.put(check(nextCheckAt, target), target);
        targets.put(target, new TargetState(s.nextSeq(), s.count(), s.checks() + 1, nextCheckAt, reason, error).format());
    }

    /**
     * Takes the target's messages in arrival order while {@code settle} answers true for each
     * (routed or dead-lettered); stops at the first it answers false for, which stays.
     */
    void drain(String target, Predicate<Parked> settle) {
        List<Parked> taken = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = messages.range(entry(target, 0), entry(target, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                Parked p = new Parked(seqOf(kv.key), ParkedRecord.fromBytes(kv.value));
                if (!settle.test(p)) {
                    break;
                }
                taken.add(p);
            }
        }
        taken.forEach(p -> remove(target, p.seq(), p.record()));
    }

    /** Takes one message out (it gave up); empty when it is no longer there. */
    Optional<ParkedRecord> take(String target, long seq) {
        byte[] bytes = messages.get(entry(target, seq));
        if (bytes == null) {
            return Optional.empty();
        }
        ParkedRecord r = ParkedRecord.fromBytes(bytes);
        remove(target, seq, r);
        return Optional.of(r);
    }

    private void remove(String target, long seq, ParkedRecord r) {
        messages.delete(entry(target, seq));
        deadlines.delete(deadline(r.deadlineMs(), target, seq));
        String lane = lane(target, r.routingKey());
        Long inLane = lanes.get(lane);
        if (inLane == null || inLane <= 1) {
            lanes.delete(lane);
        } else {
            lanes.put(lane, inLane - 1);
        }
        TargetState s = TargetState.parse(targets.get(target));
        if (s.count() <= 1) {
            targets.delete(target);
            checks.delete(check(s.nextCheckAt(), target));
        } else {
            targets.put(target, new TargetState(s.nextSeq(), s.count() - 1, s.checks(), s.nextCheckAt(), s.lastReason(),
                    s.lastError()).format());
        }
        waiting--;
    }

    /** Records left in the stores of the previous layout, oldest key first; the stores are emptied. */
    static List<ParkedRecord> drainLegacy(KeyValueStore<String, byte[]> queue, KeyValueStore<String, String> keys,
                                          KeyValueStore<String, String> due) {
        List<ParkedRecord> out = new ArrayList<>();
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = queue.all()) {
            it.forEachRemaining(kv -> {
                out.add(ParkedRecord.fromBytes(kv.value));
                done.add(kv.key);
            });
        }
        done.forEach(queue::delete);
        List<String> keyNames = new ArrayList<>();
        try (KeyValueIterator<String, String> it = keys.all()) {
            it.forEachRemaining(kv -> keyNames.add(kv.key));
        }
        keyNames.forEach(keys::delete);
        List<String> dueNames = new ArrayList<>();
        try (KeyValueIterator<String, String> it = due.all()) {
            it.forEachRemaining(kv -> dueNames.add(kv.key));
        }
        dueNames.forEach(due::delete);
        return out;
    }

    private static List<String> values(KeyValueStore<String, String> store, String from, String to) {
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.range(from, to)) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    private static long seqOf(String entryKey) {
        return Long.parseLong(entryKey.substring(entryKey.lastIndexOf(SEP) + 1));
    }

    private static String entry(String target, long seq) {
        return target + SEP + pad(seq);
    }

    private static String lane(String target, String routingKey) {
        return target + SEP + routingKey;
    }

    private static String check(long at, String target) {
        return pad(at) + SEP + target;
    }

    private static String deadline(long at, String target, long seq) {
        return pad(at) + SEP + target + SEP + pad(seq);
    }

    /** {@code String.format("%020d", n)} without the formatter (it showed in the router's profile). */
    static String pad(long n) {
        if (n < 0) {
            return String.format("%020d", n);
        }
        String digits = Long.toString(n);
        return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
    }
}
