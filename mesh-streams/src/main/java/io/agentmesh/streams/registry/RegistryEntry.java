package io.agentmesh.streams.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * An agent as the router sees it: the value of a {@code mesh.registry} record (JSON, keyed by
 * agent id; a tombstone removes the agent).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegistryEntry(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("namespace") String namespace,
        @JsonProperty("capabilities") List<String> capabilities,
        @JsonProperty("endpoint") String endpoint,
        @JsonProperty("status") String status,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("delivery") String delivery) {

    public static final String STATUS_ACTIVE = "active";
    /** Kept on the topic while a deregistered agent's inbox is retained; the tombstone follows when it is deleted. */
    public static final String STATUS_DEREGISTERED = "deregistered";
    /** The mesh POSTs this agent's messages to its endpoint; it does not read its inbox itself. */
    public static final String DELIVERY_PUSH = "push";
    /** The mesh delivers this agent's messages as A2A calls to the A2A server it stands for. */
    public static final String DELIVERY_A2A = "a2a";

    /** A record without a delivery mode (older records too): the agent reads its inbox. */
    public RegistryEntry(String id, String name, String namespace, List<String> capabilities, String endpoint,
                         String status, String updatedAt) {
        this(id, name, namespace, capabilities, endpoint, status, updatedAt, null);
    }

    public RegistryEntry {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    }

    /** Whether the agent may be chosen for {@code capability:}, {@code namespace:} and {@code broadcast} targets. */
    public boolean routable() {
        return status == null || STATUS_ACTIVE.equals(status);
    }

    /** Whether the mesh pushes this agent's messages (so nobody else may read them off its inbox). */
    public boolean pushed() {
        return DELIVERY_PUSH.equals(delivery) || DELIVERY_A2A.equals(delivery);
    }

    /** Whether the agent left the mesh: messages addressed to it are dead-lettered, not kept. */
    public boolean deregistered() {
        return STATUS_DEREGISTERED.equals(status);
    }
}
