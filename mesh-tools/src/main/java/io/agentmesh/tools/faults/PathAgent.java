package io.agentmesh.tools.faults;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agent of the fault scenarios that takes its messages over one {@link DeliveryPath}, the way a
 * real agent would: it processes each message (writes it to its ledger), then acknowledges it, and
 * when its connection breaks it connects again, to the next node when the stack has several. What
 * it writes down is what an agent would have acted on: a message it never saw is lost, one it saw
 * twice is a duplicate.
 */
abstract class PathAgent implements AutoCloseable {

    private static final long RECONNECT_PAUSE_MS = 500;

    protected final DeliveryPath path;
    protected final Ledger ledger;
    protected final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sessions = new AtomicInteger();
    private final int nodes;
    /** What went wrong, by kind (the message's first 100 characters), and how often. */
    private final java.util.Map<String, Integer> troubles = new java.util.TreeMap<>();
    private Thread thread;

    PathAgent(DeliveryPath path, Ledger ledger, int nodes) {
        this.path = path;
        this.ledger = ledger;
        this.nodes = nodes;
    }

    String agentId() {
        return path.agent();
    }

    /** The registration body of this agent. */
    String registration() {
        return "{\"id\":\"" + agentId() + "\",\"name\":\"" + agentId() + "\"}";
    }

    /** Starts taking messages, on a thread of its own. */
    void start() {
        thread = new Thread(this::loop, "agent-" + agentId());
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts at the last node (the one a two-node scenario kills) and moves on to the next after each break. */
    private void loop() {
        int node = nodes - 1;
        while (running.get()) {
            sessions.incrementAndGet();
            try {
                session(node);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                trouble(e.toString());
            }
            node = (node + 1) % nodes;
            try {
                Thread.sleep(RECONNECT_PAUSE_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * One connection to node {@code node} (0-based): take and acknowledge messages until it breaks
     * or the agent stops; a refusal is thrown (the caller notes it and connects again).
     */
    abstract void session(int node) throws Exception;

    protected void processed(String id) {
        ledger.processed(path, Receipt.of(id, agentId()));
    }

    protected void trouble(String what) {
        String kind = what.length() > 100 ? what.substring(0, 100) + "…" : what;
        synchronized (troubles) {
            troubles.merge(kind.replace('\n', ' '), 1, Integer::sum);
        }
    }

    /** How often it (re)connected, and what went wrong how often. */
    String summary() {
        synchronized (troubles) {
            return path.label() + ": " + sessions.get() + " connections" + (troubles.isEmpty() ? "" : "; troubles " + troubles);
        }
    }

    /** Ends the current connection in whatever way the path allows. */
    abstract void disconnect();

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        disconnect();
        if (thread != null) {
            thread.interrupt();
            thread.join(10_000);
        }
    }

    static <T> T pick(List<T> all, int node) {
        return all.get(node % all.size());
    }
}
