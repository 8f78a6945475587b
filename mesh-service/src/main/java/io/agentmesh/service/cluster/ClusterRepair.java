package io.agentmesh.service.cluster;

import io.agentmesh.service.registry.AgentView;
import io.agentmesh.service.registry.AgentRecord;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.registry.RouterView;
import io.agentmesh.service.registry.Discovery;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.health.HealthService;
import io.agentmesh.service.registry.AgentCache;
import io.agentmesh.streams.registry.RegistryEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Brings the copies of the registry back in line with Postgres, the durable record, after a
 * partition or an outage. {@link #reconcile()} compares and fixes only what differs (Redis live
 * entries, the router's registry view); {@link #resync()} rewrites everything (Redis, the registry
 * topic with inbox topics, the health topic). Both answer what they changed.
 */
public final class ClusterRepair {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    private final AgentRegistry registry;
    private final AgentCache cache;
    private final RouterView router;
    private final Discovery discovery;
    private final HealthService health;

    public ClusterRepair(AgentRegistry registry, AgentCache cache, RouterView router, Discovery discovery,
                         HealthService health) {
        this.registry = registry;
        this.cache = cache;
        this.router = router;
        this.discovery = discovery;
        this.health = health;
    }

    public Map<String, Object> reconcile() {
        Instant now = Instant.now();
        List<AgentView> agents = registry.listAll(null, null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agents_checked", agents.size());
        out.put("redis", reconcileRedis(agents, now));
        out.put("router", reconcileRouter(agents));
        LOG.info("cluster reconcile: {}", out);
        return out;
    }

    private Map<String, Object> reconcileRedis(List<AgentView> agents, Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        try {
            Set<String> indexed = new HashSet<>(cache.indexed());
            for (AgentView a : agents) {
                boolean live = AgentRecord.ACTIVE.equals(a.status()) && a.heartbeatFresh(now);
                if (live && !cache.exists(a.id())) {
                    cache.put(a);
                    added.add(a.id());
                } else if (!live && indexed.contains(a.id())) {
                    cache.remove(a.id());
                    removed.add(a.id());
                }
                indexed.remove(a.id());
            }
            for (String unknown : indexed) {
                cache.remove(unknown);
                removed.add(unknown);
            }
            out.put("state", "up");
        } catch (MeshException e) {
            out.put("state", "unavailable: " + e.getMessage());
        }
        out.put("added", added);
        out.put("removed", removed);
        return out;
    }

    private Map<String, Object> reconcileRouter(List<AgentView> agents) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!router.available()) {
            out.put("state", "not running on this node");
            return out;
        }
        List<String> stale = new ArrayList<>();
        for (AgentView a : agents) {
            Optional<RegistryEntry> seen = router.find(a.id());
            boolean gone = AgentRecord.DEREGISTERED.equals(a.status());
            // a deregistered agent is either still a deregistered record (inbox kept) or gone (tombstone)
            if (gone ? seen.map(e -> !e.deregistered()).orElse(false)
                    : seen.map(e -> !a.status().equals(e.status())).orElse(true)) {
                stale.add(a.id());
            }
        }
        if (!stale.isEmpty()) {
            registry.republish(stale);
        }
        out.put("state", "up");
        out.put("republished", stale);
        return out;
    }

    public Map<String, Object> resync() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("redis_rebuilt", discovery.rebuildCache());
        out.put("registry", registry.republishAll());
        out.put("health_republished", health.republishAll());
        LOG.info("cluster resync: {}", out);
        return out;
    }
}
