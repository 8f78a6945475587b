package io.agentmesh.streams.registry;

/**
 * Told of every agent record the router's registry store takes in from {@code mesh.registry}
 * (not of what it restores at start). Called on the global stream thread: implementations must be
 * quick and must not throw.
 */
@FunctionalInterface
public interface RegistryListener {

    RegistryListener NONE = entry -> { };

    void onUpsert(RegistryEntry entry);
}
