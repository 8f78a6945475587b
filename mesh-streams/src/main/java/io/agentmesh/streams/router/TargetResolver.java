package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.Strategy;
import io.agentmesh.streams.envelope.Target;
import io.agentmesh.streams.registry.AgentHealth;
import io.agentmesh.streams.registry.RegistryEntry;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Turns a target into the agents that get a copy: one for {@code agent:} and {@code capability:},
 * every matching one for {@code namespace:} and {@code broadcast}. Only routable (active) agents
 * that are not unhealthy count. Capability, namespace and broadcast scan the registry store (O(agents) per message).
 */
final class TargetResolver {

    /** Nobody to deliver to: why, as a dead-letter reason and an error text. */
    record NoRoute(DeadLetterReason reason, String error) {
    }

    /** The agents to deliver to, or why there are none. */
    record Resolution(List<RegistryEntry> agents, NoRoute noRoute) {
        static Resolution of(List<RegistryEntry> agents) {
            return new Resolution(agents, null);
        }

        static Resolution none(DeadLetterReason reason, String error) {
            return new Resolution(List.of(), new NoRoute(reason, error));
        }
    }

    private final KeyValueStore<String, RegistryEntry> registry;
    private final KeyValueStore<String, AgentHealth> health;
    private final AgentSelector selector;

    TargetResolver(KeyValueStore<String, RegistryEntry> registry, KeyValueStore<String, AgentHealth> health,
                   AgentSelector selector) {
        this.registry = registry;
        this.health = health;
        this.selector = selector;
    }

    private boolean healthy(RegistryEntry agent) {
        AgentHealth h = health.get(agent.id());
        return h == null || h.eligible();
    }

    Resolution resolve(Target target, Strategy strategy, byte[] routingKey) {
        return switch (target.kind()) {
            case AGENT -> agent(target.value());
            case CAPABILITY -> {
                List<RegistryEntry> candidates = matching(a -> a.capabilities().contains(target.value()));
                yield candidates.isEmpty()
                        ? Resolution.none(DeadLetterReason.NO_HEALTHY_AGENT, "no active agent has capability '" + target.value() + "'")
                        : Resolution.of(List.of(selector.select(strategy, target.value(), candidates, routingKey)));
            }
            case NAMESPACE -> {
                List<RegistryEntry> all = matching(a -> target.value().equals(a.namespace()));
                yield all.isEmpty()
                        ? Resolution.none(DeadLetterReason.NO_HEALTHY_AGENT, "no active agent in namespace '" + target.value() + "'")
                        : Resolution.of(all);
            }
            case BROADCAST -> {
                List<RegistryEntry> all = matching(a -> true);
                yield all.isEmpty() ? Resolution.none(DeadLetterReason.NO_HEALTHY_AGENT, "no active agent to broadcast to")
                        : Resolution.of(all);
            }
        };
    }

    private Resolution agent(String id) {
        RegistryEntry agent = registry.get(id);
        if (agent == null) {
            return Resolution.none(DeadLetterReason.UNKNOWN_TARGET, "no agent '" + id + "' in the registry");
        }
        if (!agent.routable()) {
            return Resolution.none(DeadLetterReason.UNKNOWN_TARGET, "agent '" + id + "' is " + agent.status());
        }
        if (!healthy(agent)) {
            return Resolution.none(DeadLetterReason.NO_HEALTHY_AGENT, "agent '" + id + "' is unhealthy");
        }
        return Resolution.of(List.of(agent));
    }

    /** Routable agents matching the predicate, in id order (the store iterates keys in order). */
    private List<RegistryEntry> matching(Predicate<RegistryEntry> predicate) {
        List<RegistryEntry> out = new ArrayList<>();
        try (KeyValueIterator<String, RegistryEntry> all = registry.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value != null && kv.value.routable() && healthy(kv.value) && predicate.test(kv.value)) {
                    out.add(kv.value);
                }
            });
        }
        return out;
    }
}
