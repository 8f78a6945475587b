package io.agentmesh.service.platform;

import io.dropwizard.lifecycle.Managed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One stop for every Kafka Streams application of the node. Managed last, it is stopped first: it
 * begins closing all of them at the same moment and sets one deadline, {@link #CLOSE_TIMEOUT} away,
 * that each application's own {@code stop} then waits until at most ({@link #closeTimeout()}).
 * A close waits for the application's last transaction; with Kafka unreachable that never comes,
 * and one 30 s wait after another a node with the router and the A2A task snapshots took about 90 s
 * to stop, past a 60 s termination grace.
 */
public final class StreamsShutdown implements Managed {

    /** How long a node's stop waits for its Streams applications to close, all of them together. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final List<Runnable> closers = new CopyOnWriteArrayList<>();
    private volatile long deadlineNanos;
    private volatile boolean stopping;

    /** {@code beginClose}: starts an application's close and returns without waiting for it. */
    public void add(Runnable beginClose) {
        closers.add(beginClose);
    }

    /** How long a close may wait now: {@link #CLOSE_TIMEOUT}, or what is left of it once the node stops. */
    public Duration closeTimeout() {
        if (!stopping) {
            return CLOSE_TIMEOUT;
        }
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
        deadlineNanos = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        stopping = true;
        closers.forEach(Runnable::run);
    }
}
