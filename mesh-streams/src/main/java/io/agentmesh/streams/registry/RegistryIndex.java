package io.agentmesh.streams.registry;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The router's in-memory view of the registry and health topics, indexed by capability and
 * namespace, so that resolving a target costs what it matches rather than the size of the
 * registry. Kept current by the global store updaters and loaded once from the stores when the
 * router starts. It also remembers which targets each change may have made routable (a version
 * per target), so parked messages are released as soon as their target can take them.
 * <p>
 * Written on the global stream thread, read on the stream threads: every method holds the lock.
 */
public final class RegistryIndex {

    private final Map<String, RegistryEntry> agents = new HashMap<>();
    private final Map<String, AgentHealth> health = new HashMap<>();
    private final Map<String, NavigableSet<String>> byCapability = new HashMap<>();
    private final Map<String, NavigableSet<String>> byNamespace = new HashMap<>();
    private final NavigableSet<String> all = new TreeSet<>();
    private final Map<String, Long> changedAt = new HashMap<>();
    private long version;
    private boolean loaded;

    /** Fills the index from the stores the first time a router task starts (later calls do nothing). */
    public synchronized void loadOnce(KeyValueStore<String, RegistryEntry> registry, KeyValueStore<String, AgentHealth> healthStore) {
        if (loaded) {
            return;
        }
        loaded = true;
        try (KeyValueIterator<String, RegistryEntry> it = registry.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && !agents.containsKey(kv.key)) {
                    upsert(kv.value);
                }
            });
        }
        try (KeyValueIterator<String, AgentHealth> it = healthStore.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && !health.containsKey(kv.key)) {
                    health(kv.key, kv.value);
                }
            });
        }
    }

    /** A registry record (an upsert); a tombstone is {@link #delete}. */
    public synchronized void upsert(RegistryEntry entry) {
        RegistryEntry before = agents.put(entry.id(), entry);
        if (before != null) {
            unindex(before);
            touch(before);
        }
        index(entry);
        touch(entry);
    }

    public synchronized void delete(String id) {
        RegistryEntry before = agents.remove(id);
        if (before != null) {
            unindex(before);
            touch(before);
        }
    }

    /** A health record; null (a tombstone) clears it. */
    public synchronized void health(String id, AgentHealth h) {
        if (h == null) {
            health.remove(id);
        } else {
            health.put(id, h);
        }
        RegistryEntry agent = agents.get(id);
        if (agent != null) {
            touch(agent);
        } else {
            changed("agent:" + id);
        }
    }

    /** Whether the index has been filled from the stores (a router task of this process has started). */
    public synchronized boolean loaded() {
        return loaded;
    }

    public synchronized RegistryEntry agent(String id) {
        return agents.get(id);
    }

    /** Whether the agent may be chosen for anycast and fan-out: active and not unhealthy. */
    public synchronized boolean eligible(RegistryEntry agent) {
        AgentHealth h = health.get(agent.id());
        return agent.routable() && (h == null || h.eligible());
    }

    public synchronized boolean healthy(String id) {
        AgentHealth h = health.get(id);
        return h == null || h.eligible();
    }

    /** Eligible agents with the capability, in id order. */
    public synchronized List<RegistryEntry> withCapability(String capability) {
        return eligibleOf(byCapability.getOrDefault(capability, emptySet()));
    }

    /** Eligible agents in the namespace, in id order. */
    public synchronized List<RegistryEntry> inNamespace(String namespace) {
        return eligibleOf(byNamespace.getOrDefault(namespace, emptySet()));
    }

    /** Every eligible agent, in id order. */
    public synchronized List<RegistryEntry> everyone() {
        return eligibleOf(all);
    }

    /** Active agents with the capability, healthy or not, in id order (who a capability names, not who may get it now). */
    public synchronized List<RegistryEntry> activeWith(String capability) {
        return activeOf(byCapability.getOrDefault(capability, emptySet()));
    }

    /** Every active agent, healthy or not, in id order. */
    public synchronized List<RegistryEntry> active() {
        return activeOf(all);
    }

    private List<RegistryEntry> activeOf(Collection<String> ids) {
        List<RegistryEntry> out = new ArrayList<>();
        for (String id : ids) {
            RegistryEntry a = agents.get(id);
            if (a != null && a.routable()) {
                out.add(a);
            }
        }
        return out;
    }

    public synchronized int size() {
        return agents.size();
    }

    /** The current change version: it grows with every registry or health change. */
    public synchronized long version() {
        return version;
    }

    /** Of {@code targets}, those a change after {@code since} may have made routable. */
    public synchronized Set<String> changedSince(long since, Collection<String> targets) {
        Set<String> out = new HashSet<>();
        for (String t : targets) {
            Long at = changedAt.get(t);
            if (at != null && at > since) {
                out.add(t);
            }
        }
        return out;
    }

    private List<RegistryEntry> eligibleOf(Collection<String> ids) {
        List<RegistryEntry> out = new ArrayList<>();
        for (String id : ids) {
            RegistryEntry a = agents.get(id);
            if (a != null && eligible(a)) {
                out.add(a);
            }
        }
        return out;
    }

    private void index(RegistryEntry e) {
        all.add(e.id());
        for (String c : e.capabilities()) {
            byCapability.computeIfAbsent(c, k -> new TreeSet<>()).add(e.id());
        }
        if (e.namespace() != null) {
            byNamespace.computeIfAbsent(e.namespace(), k -> new TreeSet<>()).add(e.id());
        }
    }

    private void unindex(RegistryEntry e) {
        all.remove(e.id());
        for (String c : e.capabilities()) {
            remove(byCapability, c, e.id());
        }
        if (e.namespace() != null) {
            remove(byNamespace, e.namespace(), e.id());
        }
    }

    private static void remove(Map<String, NavigableSet<String>> index, String key, String id) {
        NavigableSet<String> ids = index.get(key);
        if (ids != null) {
            ids.remove(id);
            if (ids.isEmpty()) {
                index.remove(key);
            }
        }
    }

    /** Every target the agent answers to (as {@code Target.toString()} writes them) may now route differently. */
    private void touch(RegistryEntry e) {
        changed("agent:" + e.id());
        for (String c : e.capabilities()) {
            changed("capability:" + c);
        }
        if (e.namespace() != null) {
            changed("namespace:" + e.namespace());
        }
        changed("broadcast");
    }

    private void changed(String target) {
        changedAt.put(target, ++version);
    }

    private static NavigableSet<String> emptySet() {
        return java.util.Collections.emptyNavigableSet();
    }
}
