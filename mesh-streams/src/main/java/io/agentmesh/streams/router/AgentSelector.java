package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.Strategy;
import io.agentmesh.streams.registry.RegistryEntry;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * Picks one of the candidate agents (sorted by id) for an anycast message.
 * <ul>
 *   <li>round-robin: a per-capability counter kept in a persistent store; strict rotation holds per
 *       router task (ingress partition), so for one routing key, and evens out across keys;</li>
 *   <li>least-loaded: the smallest inbox lag, ties broken round-robin;</li>
 *   <li>consistent-hash: rendezvous (highest random weight) hashing of the routing key, so a key
 *       stays with its agent while that agent is there, and only its keys move when it leaves.</li>
 * </ul>
 */
final class AgentSelector {

    private final KeyValueStore<String, Long> counters;
    private final LoadView load;
    private final int partition;

    /**
     * @param partition the task's ingress partition: each task rotates on its own, starting at its
     *                  partition number, so traffic spread over partitions spreads over agents
     */
    AgentSelector(KeyValueStore<String, Long> counters, LoadView load, int partition) {
        this.counters = counters;
        this.load = load;
        this.partition = partition;
    }

    RegistryEntry select(Strategy strategy, String capability, List<RegistryEntry> candidates, byte[] routingKey) {
        return switch (strategy) {
            case ROUND_ROBIN -> candidates.get(next(capability, candidates.size()));
            case CONSISTENT_HASH -> rendezvous(candidates, routingKey);
            case LEAST_LOADED -> leastLoaded(capability, candidates);
        };
    }

    private int next(String capability, int size) {
        Long n = counters.get(capability);
        long value = n == null ? partition : n;
        counters.put(capability, value + 1);
        return (int) Math.floorMod(value, (long) size);
    }

    private RegistryEntry leastLoaded(String capability, List<RegistryEntry> candidates) {
        long min = candidates.stream().mapToLong(a -> load.lag(a.id())).min().orElse(0);
        List<RegistryEntry> least = candidates.stream().filter(a -> load.lag(a.id()) == min).toList();
        return least.get(next(capability, least.size()));
    }

    static RegistryEntry rendezvous(List<RegistryEntry> candidates, byte[] routingKey) {
        String key = routingKey == null ? "" : new String(routingKey, StandardCharsets.UTF_8);
        return candidates.stream()
                .max(Comparator.comparingLong((RegistryEntry a) -> weight(key, a.id())).thenComparing(RegistryEntry::id))
                .orElseThrow();
    }

    /** A 64-bit FNV-1a hash of key and agent id, finished with a murmur3 mix for spread. */
    static long weight(String key, String agentId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (key + '\u0000' + agentId).getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
