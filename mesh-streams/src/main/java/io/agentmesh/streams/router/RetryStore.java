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

/**
 * Messages waiting for a retry, in persistent changelogged stores (so they survive a restart and
 * move with their partition). Messages are queued per routing key: while a key has a message
 * waiting, later messages of that key wait behind it, which keeps per-key order across retries.
 * Only the head of each key's queue is scheduled.
 * <ul>
 *   <li>{@code retry-queue}: routing key + seq &rarr; parked record</li>
 *   <li>{@code retry-keys}: routing key &rarr; "head,tail,due"</li>
 *   <li>{@code retry-due}: due time + routing key &rarr; routing key (the schedule, in time order)</li>
 * </ul>
 */
final class RetryStore {

    static final String QUEUE = "retry-queue";
    static final String KEYS = "retry-keys";
    static final String DUE = "retry-due";
    private static final char SEP = '\u0000';

    private final KeyValueStore<String, byte[]> queue;
    private final KeyValueStore<String, String> keys;
    private final KeyValueStore<String, String> due;

    RetryStore(KeyValueStore<String, byte[]> queue, KeyValueStore<String, String> keys, KeyValueStore<String, String> due) {
        this.queue = queue;
        this.keys = keys;
        this.due = due;
    }

    static List<StoreBuilder<?>> builders() {
        return List.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUEUE), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(KEYS), Serdes.String(), Serdes.String()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE), Serdes.String(), Serdes.String()));
    }

    private record Slot(long head, long tail, long dueAt) {
        static Slot parse(String s) {
            String[] p = s.split(",");
            return new Slot(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]));
        }

        String format() {
            return head + "," + tail + "," + dueAt;
        }
    }

    boolean isParked(String key) {
        return keys.get(key) != null;
    }

    /** Appends behind whatever the key already has waiting; a first entry is due at {@code dueAt}. */
    void append(String key, ParkedRecord record, long dueAt) {
        String raw = keys.get(key);
        Slot slot = raw == null ? new Slot(0, 0, dueAt) : Slot.parse(raw);
        queue.put(entryKey(key, slot.tail()), record.toBytes());
        Slot next = new Slot(slot.head(), slot.tail() + 1, slot.dueAt());
        keys.put(key, next.format());
        if (raw == null) {
            due.put(dueKey(dueAt, key), key);
        }
    }

    Optional<ParkedRecord> head(String key) {
        String raw = keys.get(key);
        if (raw == null) {
            return Optional.empty();
        }
        byte[] bytes = queue.get(entryKey(key, Slot.parse(raw).head()));
        return Optional.ofNullable(bytes).map(ParkedRecord::fromBytes);
    }

    /** Replaces the head after another failed attempt and schedules it again. */
    void reschedule(String key, ParkedRecord head, long dueAt) {
        Slot slot = Slot.parse(keys.get(key));
        queue.put(entryKey(key, slot.head()), head.toBytes());
        due.delete(dueKey(slot.dueAt(), key));
        due.put(dueKey(dueAt, key), key);
        keys.put(key, new Slot(slot.head(), slot.tail(), dueAt).format());
    }

    /** Removes the head; the key is forgotten when its queue is empty. */
    void removeHead(String key) {
        Slot slot = Slot.parse(keys.get(key));
        queue.delete(entryKey(key, slot.head()));
        if (slot.head() + 1 >= slot.tail()) {
            keys.delete(key);
            due.delete(dueKey(slot.dueAt(), key));
        } else {
            keys.put(key, new Slot(slot.head() + 1, slot.tail(), slot.dueAt()).format());
        }
    }

    /** Keys whose head is due at or before {@code now}, earliest first. */
    List<String> dueKeys(long now) {
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, String> it = due.range(dueKey(0, ""), dueKey(now, "\uffff"))) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                out.add(kv.value);
            }
        }
        return out;
    }

    long waiting() {
        return queue.approximateNumEntries();
    }

    private static String entryKey(String key, long seq) {
        return key + SEP + String.format("%020d", seq);
    }

    private static String dueKey(long dueAt, String key) {
        return String.format("%020d", dueAt) + SEP + key;
    }
}
