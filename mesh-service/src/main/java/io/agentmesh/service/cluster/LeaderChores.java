package io.agentmesh.service.cluster;

import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Cluster-wide chores (active health checks, expiry sweeps, inbox retention) that only the leader
 * runs. Every node ticks them; a tick runs the chore when this node leads and the chore's period
 * (read on every tick, so a changed setting applies at once) has passed since it last started.
 */
public final class LeaderChores implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderChores.class);

    private static final Duration TICK = Duration.ofMillis(50);

    private final BooleanSupplier isLeader;
    private final List<Chore> chores = new ArrayList<>();
    private ScheduledExecutorService timer;

    public LeaderChores(BooleanSupplier isLeader) {
        this.isLeader = isLeader;
    }

    private static final class Chore {
        final String name;
        final Supplier<Duration> every;
        final Runnable task;
        volatile Instant lastStart;
        volatile Instant lastRun;
        volatile String lastError;
        volatile long runs;

        Chore(String name, Supplier<Duration> every, Runnable task) {
            this.name = name;
            this.every = every;
            this.task = task;
        }
    }

    public void add(String name, Supplier<Duration> every, Runnable task) {
        chores.add(new Chore(name, every, task));
    }

    @Override
    public void start() {
        timer = Executors.newScheduledThreadPool(chores.size(), r -> {
            Thread t = new Thread(r, "leader-chore");
            t.setDaemon(true);
            return t;
        });
        for (Chore c : chores) {
            timer.scheduleWithFixedDelay(() -> tick(c), TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Runs the chore when this node leads and its period has passed since its last start here. */
    private void tick(Chore c) {
        Instant now = Instant.now();
        if (c.lastStart != null && now.isBefore(c.lastStart.plus(c.every.get()))) {
            return;
        }
        try {
            if (isLeader.getAsBoolean()) {
                c.lastStart = now;
                c.task.run();
                c.lastRun = now;
                c.runs++;
                c.lastError = null;
            }
        } catch (RuntimeException e) {
            c.lastError = e.getMessage();
            LOG.warn("leader chore {} failed: {}", c.name, e.toString());
        }
    }

    /** Each chore's period, last run on this node and last error. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Chore c : chores) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("every_ms", c.every.get().toMillis());
            m.put("runs_here", c.runs);
            m.put("last_run_here", c.lastRun == null ? null : c.lastRun.toString());
            m.put("last_error", c.lastError);
            out.put(c.name, m);
        }
        return out;
    }

    @Override
    public void stop() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
