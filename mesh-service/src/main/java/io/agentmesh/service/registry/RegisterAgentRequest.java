package io.agentmesh.service.registry;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * Body of POST /api/v1/agents and PUT /api/v1/agents/{id}. {@code name} is required unless an A2A
 * {@code card} gives it; the rest is checked by AgentValidator.
 */
public record RegisterAgentRequest(@JsonProperty("id") String id,
                                   @JsonProperty("name") String name,
                                   @JsonProperty("namespace") String namespace,
                                   @JsonProperty("capabilities") List<String> capabilities,
                                   @JsonProperty("endpoint") String endpoint,
                                   @JsonProperty("metadata") Map<String, Object> metadata,
                                   @JsonProperty("owner") String owner,
                                   @JsonProperty("heartbeat_ttl_ms") Long heartbeatTtlMs,
                                   @JsonProperty("card") Map<String, Object> card,
                                   @JsonProperty("delivery") String delivery,
                                   @JsonProperty("health_url") String healthUrl) {

    public RegisterCommand toCommand() {
        return new RegisterCommand(id, name, namespace, capabilities, endpoint, metadata, owner, heartbeatTtlMs, card,
                delivery, healthUrl);
    }
}
