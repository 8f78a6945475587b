package io.agentmesh.tools.harness;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the harness's agents alive the way processes hosting many agents do: a heartbeat for
 * each every {@code every} (a third of the default 30 s TTL), {@value #BATCH} agents per call
 * ({@code POST /api/v1/agents/heartbeats}), the calls of a round spread evenly over it (as the
 * hosts of many agents, started at different moments, beat at different moments; all at once, a
 * round of 10,000 agents held the node busy for half a second every 10 s), each agent in the same
 * place of the round every time (ids in order). Failures (the mesh being killed on purpose) are
 * ignored and the next round tries again; a refusal is counted and the first printed.
 */
public final class Heartbeats implements AutoCloseable {

    static final int BATCH = 500;

    private final java.util.concurrent.atomic.AtomicLong refusals = new java.util.concurrent.atomic.AtomicLong();

    private final MeshHttp http;
    private final Set<String> agents = new ConcurrentSkipListSet<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "heartbeats"));
    private final ExecutorService senders = Executors.newFixedThreadPool(4, r -> daemon(r, "heartbeat-sender"));

    private final long everyMs;

    public Heartbeats(MeshHttp http, Duration every) {
        this.http = http;
        this.everyMs = every.toMillis();
        timer.scheduleWithFixedDelay(this::beat, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void add(String agentId) {
        agents.add(agentId);
    }

    public int size() {
        return agents.size();
    }

    /** Heartbeat calls the mesh answered with something other than 200 (not counting it being unreachable). */
    public long refusals() {
        return refusals.get();
    }

    private void beat() {
        List<String> all = List.copyOf(agents);
        int calls = (all.size() + BATCH - 1) / BATCH;
        for (int from = 0; from < all.size(); from += BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            long offsetMs = everyMs * (from / BATCH) / Math.max(1, calls);
            timer.schedule(() -> senders.execute(() -> {
                try {
                    MeshHttp.Reply r = http.post("/api/v1/agents/heartbeats", "{\"ids\":[\"" + String.join("\",\"", batch) + "\"]}");
                    if (r.status() != 200 && refusals.getAndIncrement() == 0) {
                        // a refusal is not the mesh being down: its agents would expire mid-run, so say so (once)
                        System.err.println("heartbeats: " + r.status() + " " + r.body());
                    }
                } catch (Exception e) {
                    // the mesh may be down on purpose; the next round tries again
                }
            }), offsetMs, TimeUnit.MILLISECONDS);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        senders.shutdownNow();
    }
}
