package io.agentmesh.streams.taps;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The taps the application runs, as its global store last read them from the definitions topic.
 * Written on the global stream thread, read on the stream threads and by the service (which taps
 * are live on this node).
 */
public final class TapCatalog {

    private final Map<String, TapDefinition> taps = new ConcurrentHashMap<>();
    private volatile List<TapDefinition> snapshot = List.of();

    void put(TapDefinition tap) {
        taps.put(tap.name(), tap);
        snapshot = List.copyOf(taps.values());
    }

    void remove(String name) {
        taps.remove(name);
        snapshot = List.copyOf(taps.values());
    }

    /** Forgets every tap (its application stopped; a new one reads them again). */
    public void clear() {
        taps.clear();
        snapshot = List.of();
    }

    /** Every tap, as one consistent list. */
    public Collection<TapDefinition> all() {
        return snapshot;
    }

    public Optional<TapDefinition> get(String name) {
        return Optional.ofNullable(taps.get(name));
    }
}
