package io.agentmesh.streams.taps;

import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryIndex;

import java.util.List;

/** The agents a tap looks up namespaces and capabilities in. */
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
                return index.withCapability(capability);
            }

            @Override
            public List<RegistryEntry> everyone() {
                return index.everyone();
            }
        };
    }
}
