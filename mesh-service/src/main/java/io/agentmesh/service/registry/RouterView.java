package io.agentmesh.service.registry;

import io.agentmesh.streams.registry.RegistryEntry;

import java.util.Optional;

/** The in-process router's registry, when this node runs the router. */
public interface RouterView {

    RouterView NONE = new RouterView() {
        @Override
        public boolean available() {
            return false;
        }

        @Override
        public Optional<RegistryEntry> find(String agentId) {
            return Optional.empty();
        }
    };

    boolean available();

    Optional<RegistryEntry> find(String agentId);
}
