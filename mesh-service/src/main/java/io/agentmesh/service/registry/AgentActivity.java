package io.agentmesh.service.registry;

import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Signs of life this node notices — an agent polling, streaming or acknowledging its inbox, a
 * push it answered — gathered in memory (free on the hot path) and written to the registry once a
 * second in one statement per kind.
 */
public final class AgentActivity implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    private final AgentLiveness liveness;
    private final Duration every;
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    public AgentActivity(AgentLiveness liveness, Duration every) {
        this.liveness = liveness;
        this.every = every;
    }

    /** The agent showed it is alive ({@code via}: rest, grpc or push). */
    public void touch(String agentId, String via) {
        pending.put(agentId, via);
    }

    /** Writes what was noticed since the last flush; what fails is noticed again by the next sign of life. */
    public void flush() {
        Map<String, List<String>> byVia = new HashMap<>();
        for (String id : new ArrayList<>(pending.keySet())) {
            String via = pending.remove(id);
            if (via != null) {
                byVia.computeIfAbsent(via, k -> new ArrayList<>()).add(id);
            }
        }
        byVia.forEach((via, ids) -> {
            try {
                liveness.seen(ids, via);
            } catch (RuntimeException e) {
                LOG.debug("{} agents seen via {} not recorded: {}", ids.size(), via, e.getMessage());
            }
        });
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent-activity");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flush, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
        flush();
    }
}
