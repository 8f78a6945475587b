package io.agentmesh.service.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of POST /api/v1/requests: a message (as for /messages; {@code from} is required, the reply
 * goes to its inbox) and how long to wait for the reply.
 */
public record RequestBody(@JsonProperty("to") String to,
                          @JsonProperty("from") String from,
                          @JsonProperty("type") String type,
                          @JsonProperty("payload") JsonNode payload,
                          @JsonProperty("id") String id,
                          @JsonProperty("correlation_id") String correlationId,
                          @JsonProperty("key") String key,
                          @JsonProperty("strategy") String strategy,
                          @JsonProperty("expires_at") String expiresAt,
                          @JsonProperty("max_attempts") Integer maxAttempts,
                          @JsonProperty("retry_delay_ms") Long retryDelayMs,
                          @JsonProperty("timeout_ms") Long timeoutMs) {

    public SendMessageRequest message() {
        return new SendMessageRequest(to, from, type, payload, id, correlationId, key, strategy, expiresAt, maxAttempts,
                retryDelayMs);
    }
}
