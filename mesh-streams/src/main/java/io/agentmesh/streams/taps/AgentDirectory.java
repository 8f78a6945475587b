package io.agentmesh.streams.taps;

import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryIndex;

import java.util.List;

/**
 * The agents a tap looks up namespaces and capabilities in: the registry's active agents, healthy or
 * not (health changes by the second; a backfill, which has no health, then finds the same agents).
 */
public interface AgentDirectory {

    /** The agent, or null when the registry does not know it. */
    RegistryEntry agent(String id);

    List<RegistryEntry> withCapability(String capability);

    List<RegistryEntry> everyone();

    static AgentDirectory of(RegistryIndex index) {
        return new AgentDirectory() {
            @Override
            public RegistryEntry agent(String id) {
                return index.agent(id);
            }

            @Override
            public List<RegistryEntry> withCapability(String capability) {
                return index.activeWith(capability);
            }

            @Override
            public List<RegistryEntry> everyone() {
                return index.active();
            }
        };
    }
}
