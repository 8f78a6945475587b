package io.agentmesh.streams.router;

import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.common.serialization.Serdes;

import java.time.Duration;

/**
 * Message ids seen within the dedupe window, in a persistent, changelogged window store (so it
 * survives restarts and moves with its partition).
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

    boolean seen(String id, long timestamp) {
        try (WindowStoreIterator<Long> hits = store.fetch(id, timestamp - windowMs, timestamp + windowMs)) {
            return hits.hasNext();
        }
    }

    void remember(String id, long timestamp) {
        store.put(id, timestamp, timestamp);
    }

    /** Removes the id again (a null put deletes the window entry). */
    void forget(String id, long timestamp) {
        store.put(id, null, timestamp);
    }
}
