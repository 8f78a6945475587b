package io.agentmesh.service.registry;

import io.agentmesh.streams.registry.RegistryEntry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An agent as the registry stores it (Postgres is the durable copy). {@code heartbeatTtlMs} is the
 * agent's own TTL, null for the configured default; {@code card} is the A2A AgentCard it registered
 * with, if any.
 */
public record AgentRecord(String id, String name, String namespace, List<String> capabilities,
                          String endpoint, Map<String, Object> metadata, String status,
                          Instant createdAt, Instant updatedAt, String owner, Long heartbeatTtlMs,
                          Instant lastHeartbeat, Map<String, Object> card, Instant deregisteredAt,
                          String delivery, Instant inboxDeletedAt, String seenVia, String healthUrl) {

    public static final String ACTIVE = "active";
    public static final String EXPIRED = "expired";
    public static final String DEREGISTERED = "deregistered";
    public static final String PULL = "pull";
    public static final String PUSH = "push";
    /** An agent outside the mesh, behind an A2A server: the mesh delivers its messages as A2A calls. */
    public static final String A2A = "a2a";

    /** Whether the mesh delivers this kind of agent's messages itself (nobody reads its inbox). */
    public static boolean pushed(String delivery) {
        return PUSH.equals(delivery) || A2A.equals(delivery);
    }

    public AgentRecord {
        capabilities = List.copyOf(capabilities);
        metadata = metadata == null ? Map.of() : metadata;
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }

    /**
     * The agent as the router sees it. A deregistered agent stays on the registry topic with that
     * status while its inbox is kept (the router dead-letters what is still sent to it); once the
     * inbox is deleted it is a tombstone ({@link #tombstoned()}).
     */
    public RegistryEntry toRegistryEntry() {
        return new RegistryEntry(id, name, namespace, capabilities, endpoint, status, updatedAt.toString(), delivery);
    }

    /** Whether the registry topic holds a tombstone for this agent (deregistered and its inbox deleted). */
    public boolean tombstoned() {
        return DEREGISTERED.equals(status) && inboxDeletedAt != null;
    }
}
