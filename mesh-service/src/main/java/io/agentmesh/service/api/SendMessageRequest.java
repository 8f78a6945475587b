package io.agentmesh.service.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** Body of POST /api/v1/messages (application/json). {@code to} and {@code payload} are required. */
public record SendMessageRequest(@JsonProperty("to") String to,
                                 @JsonProperty("from") String from,
                                 @JsonProperty("type") String type,
                                 @JsonProperty("payload") JsonNode payload,
                                 @JsonProperty("id") String id,
                                 @JsonProperty("correlation_id") String correlationId,
                                 @JsonProperty("key") String key) {
}
