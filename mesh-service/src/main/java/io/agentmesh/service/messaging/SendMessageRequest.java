package io.agentmesh.service.messaging;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.envelope.MeshHeaders;

import java.util.HashMap;
import java.util.Map;

/**
 * Body of POST /api/v1/messages (application/json). {@code to} and {@code payload} are required;
 * {@code strategy}, {@code expires_at}, {@code max_attempts} and {@code retry_delay_ms} steer
 * routing and retries.
 */
public record SendMessageRequest(@JsonProperty("to") String to,
                                 @JsonProperty("from") String from,
                                 @JsonProperty("type") String type,
                                 @JsonProperty("payload") JsonNode payload,
                                 @JsonProperty("id") String id,
                                 @JsonProperty("correlation_id") String correlationId,
                                 @JsonProperty("key") String key,
                                 @JsonProperty("strategy") String strategy,
                                 @JsonProperty("expires_at") String expiresAt,
                                 @JsonProperty("max_attempts") Integer maxAttempts,
                                 @JsonProperty("retry_delay_ms") Long retryDelayMs) {

    /** The send as a command: the payload (any JSON but null) serialized to bytes. */
    public SendCommand toCommand(ObjectMapper mapper) {
        if (payload == null || payload.isNull() || payload.isMissingNode()) {
            throw MeshException.invalidField("payload", "is required (any JSON value but null)");
        }
        try {
            return new SendCommand(to, from, type, id, correlationId, key, mapper.writeValueAsBytes(payload),
                    "application/json", null, extensions());
        } catch (JsonProcessingException e) {
            throw MeshException.invalidField("payload", "cannot be serialized");
        }
    }

    /** The optional routing controls, as the CloudEvents extensions that carry them. */
    public Map<String, String> extensions() {
        Map<String, String> ext = new HashMap<>();
        if (strategy != null) {
            ext.put(MeshHeaders.EXT_STRATEGY, strategy);
        }
        if (expiresAt != null) {
            ext.put(MeshHeaders.EXT_EXPIRES_AT, expiresAt);
        }
        if (maxAttempts != null) {
            ext.put(MeshHeaders.EXT_MAX_ATTEMPTS, maxAttempts.toString());
        }
        if (retryDelayMs != null) {
            ext.put(MeshHeaders.EXT_RETRY_DELAY_MS, retryDelayMs.toString());
        }
        return ext;
    }
}
