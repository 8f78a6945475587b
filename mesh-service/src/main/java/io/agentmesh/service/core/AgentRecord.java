package io.agentmesh.service.core;

import io.agentmesh.streams.registry.RegistryEntry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An agent as the registry stores it (Postgres is the durable copy). */
public record AgentRecord(String id, String name, String namespace, List<String> capabilities,
                          String endpoint, Map<String, Object> metadata, String status,
                          Instant createdAt, Instant updatedAt) {

    public static final String ACTIVE = "active";
    public static final String DEREGISTERED = "deregistered";

    public AgentRecord {
        capabilities = List.copyOf(capabilities);
        metadata = metadata == null ? Map.of() : metadata;
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }

    public RegistryEntry toRegistryEntry() {
        return new RegistryEntry(id, name, namespace, capabilities, endpoint, status, updatedAt.toString());
    }
}
