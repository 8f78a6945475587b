package io.agentmesh.service.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentmesh.service.core.RegisterCommand;

import java.util.List;
import java.util.Map;

/** Body of POST /api/v1/agents. Only {@code name} is required; the rest is checked by AgentValidator. */
public record RegisterAgentRequest(@JsonProperty("id") String id,
                                   @JsonProperty("name") String name,
                                   @JsonProperty("namespace") String namespace,
                                   @JsonProperty("capabilities") List<String> capabilities,
                                   @JsonProperty("endpoint") String endpoint,
                                   @JsonProperty("metadata") Map<String, Object> metadata) {

    public RegisterCommand toCommand() {
        return new RegisterCommand(id, name, namespace, capabilities, endpoint, metadata);
    }
}
