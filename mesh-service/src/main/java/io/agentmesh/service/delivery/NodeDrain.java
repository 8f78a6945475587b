package io.agentmesh.service.delivery;

import io.agentmesh.service.common.DrainControl;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Draining this node: new sends, streams and polls are refused (503 DRAINING, see
 * {@link DrainControl}), gRPC health turns NOT_SERVING, server-sent-event and Subscribe streams
 * end at once (their clients resume elsewhere from the acknowledged position), and Connect streams
 * get no new deliveries and end once every delivered message is acknowledged or the grace is over.
 */
public final class NodeDrain {

    private final DrainControl control;
    private final InboxSessions sessions;
    private final EventStreams events;
    private final Subscriptions subscriptions;
    private final List<Consumer<Boolean>> servingListeners = new CopyOnWriteArrayList<>();
    private final Duration grace;
    private final ExecutorService drainer;

    public NodeDrain(DrainControl control, InboxSessions sessions, EventStreams events, Subscriptions subscriptions,
                     Duration grace, ExecutorService drainer) {
        this.control = control;
        this.sessions = sessions;
        this.events = events;
        this.subscriptions = subscriptions;
        this.grace = grace;
        this.drainer = drainer;
    }

    /** Told {@code false} when a drain starts and {@code true} when it stops (gRPC health). */
    public void onServing(Consumer<Boolean> listener) {
        servingListeners.add(listener);
    }

    /** Starts draining (answers at once; Connect streams wind down in the background); false if already draining. */
    public boolean start() {
        if (!control.start()) {
            return false;
        }
        servingListeners.forEach(l -> l.accept(false));
        events.endAll("node draining");
        subscriptions.endAll("node draining");
        drainer.execute(() -> {
            try {
                sessions.drain(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return true;
    }

    /** Stops draining; false if the node was not draining. */
    public boolean stop() {
        if (!control.stop()) {
            return false;
        }
        servingListeners.forEach(l -> l.accept(true));
        return true;
    }

    /** The server is stopping: every stream ends, Connect streams hand back what they have not acked. */
    public void shutdown() {
        events.endAll("server is shutting down");
        sessions.stopAll();
    }
}
