package io.agentmesh.service.platform;

import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One stop for every Kafka Streams application of the node. Managed last, it is stopped first: it
 * begins closing all of them at the same moment and sets one deadline, {@link #CLOSE_TIMEOUT} away,
 * that each application's own {@code stop} then waits until ({@link #closeTimeout()}), and at least
 * {@link #MIN_WAIT}: the stops of other parts come between, and an application stopped after slow
 * neighbours still gets a moment for its last commit. A close waits for the application's last
 * transaction; with Kafka unreachable that never comes, and one 30 s wait after another a node with
 * the router and the A2A task snapshots took about 90 s to stop, past a 60 s termination grace.
 */
public final class StreamsShutdown implements Managed {

    /** How long a node's stop waits for its Streams applications to close, all of them together. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** The least any one application's stop waits, whatever is left of the deadline. */
    public static final Duration MIN_WAIT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(StreamsShutdown.class);

    private final List<Runnable> closers = new CopyOnWriteArrayList<>();
    private volatile long deadlineNanos;
    private volatile boolean stopping;

    /** {@code beginClose}: starts an application's close and returns without waiting for it. */
    public void add(Runnable beginClose) {
        closers.add(beginClose);
    }

    /** How long a close may wait now: {@link #CLOSE_TIMEOUT}, or once the node stops what is left of it (at least {@link #MIN_WAIT}). */
    public Duration closeTimeout() {
        if (!stopping) {
            return CLOSE_TIMEOUT;
        }
        return Duration.ofNanos(Math.max(MIN_WAIT.toNanos(), deadlineNanos - System.nanoTime()));
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
        deadlineNanos = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        stopping = true;
        for (Runnable closer : closers) {
            try {
                closer.run();
            } catch (RuntimeException e) {
                // the others still begin; this one's own stop closes it as before
                LOG.warn("a Streams application did not begin closing: {}", e.toString());
            }
        }
    }
}
