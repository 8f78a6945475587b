package io.agentmesh.streams.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An agent's health as published on the compacted {@code mesh.health} topic (keyed by agent id).
 * The router never picks an agent whose status is {@code unhealthy}; {@code healthy},
 * {@code unknown}, {@code flapping} and no record at all leave it eligible.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentHealth(@JsonProperty("status") String status,
                          @JsonProperty("since") String since,
                          @JsonProperty("reason") String reason) {

    public static final String UNHEALTHY = "unhealthy";

    public boolean eligible() {
        return !UNHEALTHY.equals(status);
    }
}
