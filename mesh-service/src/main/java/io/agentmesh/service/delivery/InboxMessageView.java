package io.agentmesh.service.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Base64;

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

    /** Renders a record: a JSON payload inline, anything else base64. */
    public static InboxMessageView of(InboxRecord r, ObjectMapper mapper) {
        JsonNode payload = null;
        String encoding = null;
        if (r.contentType() != null && r.contentType().toLowerCase().contains("json")) {
            try {
                payload = mapper.readTree(r.payload());
            } catch (IOException e) {
                payload = null;
            }
        }
        if (payload == null) {
            payload = mapper.getNodeFactory().textNode(Base64.getEncoder().encodeToString(r.payload()));
            encoding = "base64";
        }
        return new InboxMessageView(r.id(), r.from(), r.to(), r.type(), r.time(), r.correlationId(), r.contentType(),
                payload, encoding, r.partition(), r.offset(), r.attributes());
    }
}
