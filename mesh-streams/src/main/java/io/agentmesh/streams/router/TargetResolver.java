package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.Strategy;
import io.agentmesh.streams.envelope.Target;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryIndex;

import java.util.List;

/**
 * Turns a target into the agents that get a copy. {@code agent:<id>} goes to that agent's inbox
 * whenever it is registered — active, expired or unhealthy: the inbox is durable and the agent
 * reads it when it can; a deregistered agent's messages are dead-lettered at once. Expiry and
 * health only decide who is chosen for {@code capability:} (one agent, by strategy),
 * {@code namespace:} and {@code broadcast} (every eligible agent). Resolution reads the router's
 * {@link RegistryIndex}, so it costs what the target matches, not the size of the registry.
 */
final class TargetResolver {

    /**
     * Nobody to deliver to: why, as a dead-letter reason and an error text; {@code retry} is false
     * when waiting cannot help (the agent was deregistered).
     */
    record NoRoute(DeadLetterReason reason, String error, boolean retry) {
    }

    /** The agents to deliver to, or why there are none. */
    record Resolution(List<RegistryEntry> agents, NoRoute noRoute) {
        static Resolution of(List<RegistryEntry> agents) {
            return new Resolution(agents, null);
        }

        static Resolution none(NoRoute why) {
            return new Resolution(List.of(), why);
        }
    }

    private final RegistryIndex index;
    private final AgentSelector selector;

    TargetResolver(RegistryIndex index, AgentSelector selector) {
        this.index = index;
        this.selector = selector;
    }

    Resolution resolve(Target target, Strategy strategy, byte[] routingKey) {
        if (target.kind() == Target.Kind.AGENT) {
            RegistryEntry agent = index.agent(target.value());
            NoRoute why = agentNoRoute(target.value(), agent);
            return why == null ? Resolution.of(List.of(agent)) : Resolution.none(why);
        }
        List<RegistryEntry> candidates = candidates(target);
        if (candidates.isEmpty()) {
            return Resolution.none(noneEligible(target));
        }
        return target.kind() == Target.Kind.CAPABILITY
                ? Resolution.of(List.of(selector.select(strategy, target.value(), candidates, routingKey)))
                : Resolution.of(candidates);
    }

    /** Whether the target could take a message now (null), or why not; chooses no agent. */
    NoRoute check(Target target) {
        if (target.kind() == Target.Kind.AGENT) {
            return agentNoRoute(target.value(), index.agent(target.value()));
        }
        return candidates(target).isEmpty() ? noneEligible(target) : null;
    }

    private static NoRoute agentNoRoute(String id, RegistryEntry agent) {
        if (agent == null) {
            // the registry topic may not have reached this router yet: worth waiting for
            return new NoRoute(DeadLetterReason.UNKNOWN_TARGET, "no agent '" + id + "' in the registry", true);
        }
        if (agent.deregistered()) {
            return new NoRoute(DeadLetterReason.UNKNOWN_TARGET, "agent '" + id + "' was deregistered", false);
        }
        return null;
    }

    private List<RegistryEntry> candidates(Target target) {
        return switch (target.kind()) {
            case CAPABILITY -> target.namespace() == null ? index.withCapability(target.value())
                    : index.withCapability(target.value()).stream()
                    .filter(a -> target.namespace().equals(a.namespace())).toList();
            case NAMESPACE -> index.inNamespace(target.value());
            case BROADCAST -> index.everyone();
            case AGENT -> throw new IllegalArgumentException("an agent target has no candidates");
        };
    }

    private static NoRoute noneEligible(Target target) {
        String error = switch (target.kind()) {
            case CAPABILITY -> "no active agent has capability '" + target.value() + "'"
                    + (target.namespace() == null ? "" : " in namespace '" + target.namespace() + "'");
            case NAMESPACE -> "no active agent in namespace '" + target.value() + "'";
            default -> "no active agent to broadcast to";
        };
        return new NoRoute(DeadLetterReason.NO_HEALTHY_AGENT, error, true);
    }
}
