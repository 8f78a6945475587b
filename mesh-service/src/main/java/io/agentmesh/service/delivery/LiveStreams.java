package io.agentmesh.service.delivery;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Open server-sent-event streams of this node, so a drain can end them. */
public final class LiveStreams {

    /** One open stream; {@link #open()} turns false when the node asks it to end. */
    public static final class Handle implements AutoCloseable {
        private final LiveStreams owner;
        private volatile boolean open = true;

        private Handle(LiveStreams owner) {
            this.owner = owner;
        }

        public boolean open() {
            return open;
        }

        @Override
        public void close() {
            owner.streams.remove(this);
        }
    }

    private final Set<Handle> streams = ConcurrentHashMap.newKeySet();

    public Handle register() {
        Handle h = new Handle(this);
        streams.add(h);
        return h;
    }

    public int count() {
        return streams.size();
    }

    /** Asks every stream to end (each finishes its current event); answers how many. */
    public int endAll() {
        streams.forEach(h -> h.open = false);
        return streams.size();
    }
}
