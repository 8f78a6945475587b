package io.agentmesh.service.health;

import io.agentmesh.service.registry.AgentView;
import io.agentmesh.service.registry.AgentRecord;
import io.agentmesh.service.registry.AgentRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One round of active checks (run by the leader every {@code health_check_interval_ms}): every
 * active agent with a health URL is checked, at most {@code maxConcurrent} at a time, each within
 * {@code health_check_timeout_ms}; results go through {@link HealthService}. Then overrides that
 * ran out and flapping that calmed down are reviewed.
 */
public final class HealthMonitor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.health");

    private final AgentRegistry registry;
    private final HealthService health;
    private final HealthProber prober;
    private final LiveHealthSettings settings;
    private final int maxConcurrent;
    private volatile Map<String, Object> lastRound = Map.of();

    public HealthMonitor(AgentRegistry registry, HealthService health, HealthProber prober, LiveHealthSettings settings,
                         int maxConcurrent) {
        this.registry = registry;
        this.health = health;
        this.prober = prober;
        this.settings = settings;
        this.maxConcurrent = maxConcurrent;
    }

    @Override
    public void run() {
        Instant started = Instant.now();
        Duration timeout = settings.get().timeout();
        List<AgentView> agents = registry.listAll(null, null).stream()
                .filter(a -> AgentRecord.ACTIVE.equals(a.status())).toList();
        int checked = 0;
        int failed = 0;
        for (int from = 0; from < agents.size(); from += maxConcurrent) {
            List<AgentView> batch = agents.subList(from, Math.min(agents.size(), from + maxConcurrent));
            List<String> ids = new ArrayList<>();
            List<CompletableFuture<ProbeResult>> probes = new ArrayList<>();
            for (AgentView a : batch) {
                Optional<URI> url = HealthProber.healthUrl(a.healthUrl());
                if (url.isPresent()) {
                    ids.add(a.id());
                    probes.add(prober.probe(url.get(), timeout));
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                ProbeResult r = probes.get(i).join();
                checked++;
                failed += r.ok() ? 0 : 1;
                try {
                    health.recordProbe(ids.get(i), r);
                } catch (RuntimeException e) {
                    LOG.warn("health of {} not recorded: {}", ids.get(i), e.getMessage());
                }
            }
        }
        for (String id : health.needingReview()) {
            health.review(id);
        }
        Map<String, Object> round = new LinkedHashMap<>();
        round.put("at", started.toString());
        round.put("checked", checked);
        round.put("failed", failed);
        round.put("took_ms", Duration.between(started, Instant.now()).toMillis());
        lastRound = round;
    }

    /** The last round this node ran (empty on a node that never led). */
    public Map<String, Object> lastRound() {
        return lastRound;
    }
}
