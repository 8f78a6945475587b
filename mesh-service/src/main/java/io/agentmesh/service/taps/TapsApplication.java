package io.agentmesh.service.taps;

import io.agentmesh.service.routing.SiblingStreams;
import io.agentmesh.streams.taps.TapCatalog;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs the taps application on a router node only while a tap exists. With no tap it would still
 * read every accepted message and every event for nothing (13 % of a router node's profile samples
 * under gRPC single sends, docs/BENCHMARKS.md); so it starts when the first tap is defined,
 * beginning where the oldest live tap began ({@link TapPositions}), and stops when the last one is
 * deleted. A failed application is started again at the next check.
 */
public final class TapsApplication implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.taps");
    /**
     * Records carry the accepting node's clock, a tap's creation PostgreSQL's: the application starts
     * this much before the oldest tap began, so a node clock a little behind loses nothing.
     */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(2);

    private final Supplier<SiblingStreams> factory;
    private final Supplier<Optional<Instant>> oldestLiveTap;
    private final TapPositions positions;
    private final TapCatalog catalog;
    private final Duration interval;
    private ScheduledExecutorService timer;
    private volatile SiblingStreams app;

    /**
     * {@code factory}: a new application each time (a closed one cannot start again);
     * {@code oldestLiveTap}: when the oldest tap not deleted was created, empty when there is none;
     * {@code catalog}: the taps as the application has them, emptied when it stops.
     */
    public TapsApplication(Supplier<SiblingStreams> factory, Supplier<Optional<Instant>> oldestLiveTap,
                           TapPositions positions, TapCatalog catalog, Duration interval) {
        this.factory = factory;
        this.oldestLiveTap = oldestLiveTap;
        this.positions = positions;
        this.catalog = catalog;
        this.interval = interval;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "taps-application");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the application when a tap exists and it does not run, stops it when none is left. */
    synchronized void check() {
        try {
            Optional<Instant> oldest = oldestLiveTap.get();
            if (app != null && stopped(app.state())) {
                LOG.warn("the taps application is {}; it starts again", app.state());
                halt();
            }
            if (oldest.isPresent() && app == null) {
                moveUpTo(oldest.get().minus(CLOCK_MARGIN));
                SiblingStreams next = factory.get();
                try {
                    next.start();
                } catch (RuntimeException e) {
                    next.stopAndLeaveGroup();
                    throw e;
                }
                app = next;
            } else if (oldest.isEmpty() && app != null) {
                LOG.info("no tap is left: the taps application stops");
                halt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // PostgreSQL or Kafka out of reach: the application stays as it is until the next check
            LOG.warn("taps application not checked this time: {}", e.toString());
        }
    }

    private static boolean stopped(KafkaStreams.State state) {
        return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING;
    }

    /** Moving the positions only saves reading; where it fails the application starts where it left off. */
    private void moveUpTo(Instant from) throws InterruptedException {
        try {
            positions.advanceTo(from);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("taps application: positions not moved ({}); it starts where it left off", e.toString());
        }
    }

    private void halt() {
        SiblingStreams running = app;
        app = null;
        if (running != null) {
            running.stopAndLeaveGroup();
        }
        catalog.clear();
    }

    /** Whether the application runs on this node now. */
    public boolean running() {
        return app != null;
    }

    /** Records its consumers have yet to read; 0 while it does not run. */
    public long lag() {
        SiblingStreams running = app;
        return running == null ? 0 : running.lag();
    }

    /** Stops checking and starts closing the application without waiting ({@code stop} then waits for it). */
    public void beginClose() {
        if (timer != null) {
            timer.shutdownNow();
        }
        SiblingStreams running = app;
        if (running != null) {
            // leaving the group, as halt() does: another node's taps application takes over at once
            running.beginCloseAndLeaveGroup();
        }
    }

    @Override
    public void stop() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(30, TimeUnit.SECONDS);
        }
        synchronized (this) {
            halt();
        }
    }
}
