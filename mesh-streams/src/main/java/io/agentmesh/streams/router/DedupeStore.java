package io.agentmesh.streams.router;

import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.common.serialization.Serdes;

import java.time.Duration;

/**
 * Message ids seen within the dedupe window, in a persistent, changelogged window store (so it
 * survives restarts and moves with its partition). An id is scoped to its sender ({@code meshfrom},
 * which the service stamps from the caller's identity): one sender's id never suppresses another's
 * message. Messages sent by no agent (an operator's, or any caller's with auth off) share one scope.
 */
final class DedupeStore {

    static final String NAME = "dedupe-store";

    private final WindowStore<String, Long> store;
    private final long windowMs;

    DedupeStore(WindowStore<String, Long> store, Duration window) {
        this.store = store;
        this.windowMs = window.toMillis();
    }

    static StoreBuilder<WindowStore<String, Long>> builder(Duration window) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(NAME, window, window, false),
                Serdes.String(), Serdes.Long());
    }

    /** The store key of {@code sender}'s id {@code id} ({@code sender} null: sent by no agent). */
    static String key(String sender, String id) {
        // an agent id never holds a newline, so no (sender, id) pair can spell another's key
        return (sender == null ? "" : sender) + "\n" + id;
    }

    boolean seen(String sender, String id, long timestamp) {
        try (WindowStoreIterator<Long> hits = store.fetch(key(sender, id), timestamp - windowMs, timestamp + windowMs)) {
            return hits.hasNext();
        }
    }

    void remember(String sender, String id, long timestamp) {
        store.put(key(sender, id), timestamp, timestamp);
    }

    /** Removes the id again (a null put deletes the window entry). */
    void forget(String sender, String id, long timestamp) {
        store.put(key(sender, id), null, timestamp);
    }
}
