package io.agentmesh.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * One inbox message over REST. A JSON payload is inlined; any other payload is base64 in
 * {@code payload} with {@code payload_encoding: "base64"}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InboxMessageView(@JsonProperty("id") String id,
                               @JsonProperty("from") String from,
                               @JsonProperty("to") String to,
                               @JsonProperty("type") String type,
                               @JsonProperty("time") String time,
                               @JsonProperty("correlation_id") String correlationId,
                               @JsonProperty("content_type") String contentType,
                               @JsonProperty("payload") JsonNode payload,
                               @JsonProperty("payload_encoding") String payloadEncoding,
                               @JsonProperty("partition") int partition,
                               @JsonProperty("offset") long offset,
                               @JsonProperty("attributes") Map<String, String> attributes) {
}
