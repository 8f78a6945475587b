package io.agentmesh.service.registry;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** An agent as REST answers it; {@code heartbeat_ttl_ms} is the TTL in force (its own or the default). */
public record AgentView(@JsonProperty("id") String id,
                        @JsonProperty("name") String name,
                        @JsonProperty("namespace") String namespace,
                        @JsonProperty("capabilities") List<String> capabilities,
                        @JsonProperty("endpoint") String endpoint,
                        @JsonProperty("metadata") Map<String, Object> metadata,
                        @JsonProperty("status") String status,
                        @JsonProperty("inbox_topic") String inboxTopic,
                        @JsonProperty("created_at") String createdAt,
                        @JsonProperty("updated_at") String updatedAt,
                        @JsonProperty("owner") String owner,
                        @JsonProperty("heartbeat_ttl_ms") long heartbeatTtlMs,
                        @JsonProperty("last_heartbeat") String lastHeartbeat,
                        @JsonProperty("has_card") boolean hasCard,
                        @JsonProperty("delivery") String delivery,
                        @JsonProperty("last_seen") String lastSeen,
                        @JsonProperty("seen_via") String seenVia,
                        @JsonProperty("health_url") String healthUrl) {

    public static AgentView of(AgentRecord r, String inboxTopic, Duration defaultTtl) {
        return new AgentView(r.id(), r.name(), r.namespace(), r.capabilities(), r.endpoint(), r.metadata(),
                r.status(), inboxTopic, r.createdAt().toString(), r.updatedAt().toString(), r.owner(),
                r.heartbeatTtlMs() == null ? defaultTtl.toMillis() : r.heartbeatTtlMs(),
                r.lastHeartbeat() == null ? null : r.lastHeartbeat().toString(), r.card() != null, r.delivery(),
                r.lastHeartbeat() == null ? null : r.lastHeartbeat().toString(), r.seenVia(), r.healthUrl());
    }

    public Duration heartbeatTtl() {
        return Duration.ofMillis(heartbeatTtlMs);
    }

    /** Whether its last heartbeat is within its TTL at {@code now} (a live entry belongs in Redis). */
    public boolean heartbeatFresh(java.time.Instant now) {
        return lastHeartbeat != null && java.time.Instant.parse(lastHeartbeat).plus(heartbeatTtl()).isAfter(now);
    }
}
