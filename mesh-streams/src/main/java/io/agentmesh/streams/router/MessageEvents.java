package io.agentmesh.streams.router;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.streams.envelope.DeadLetterReason;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The lifecycle records the router writes to {@code mesh.events}, keyed by message id: JSON with
 * {@code event} one of routed, deduplicated, retry_scheduled, dead_lettered.
 */
final class MessageEvents {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MessageEvents() {
    }

    static byte[] routed(String id, String to, List<String> agents, int attempt, long acceptedAt, long now) {
        ObjectNode n = base("routed", id, to, acceptedAt, now);
        n.putPOJO("agents", agents);
        n.put("attempt", attempt);
        return bytes(n);
    }

    static byte[] deduplicated(String id, String to, long acceptedAt, long now) {
        return bytes(base("deduplicated", id, to, acceptedAt, now));
    }

    static byte[] retryScheduled(String id, String to, int attempts, DeadLetterReason reason, String error,
                                 long nextAt, long acceptedAt, long now) {
        ObjectNode n = base("retry_scheduled", id, to, acceptedAt, now);
        n.put("attempts", attempts);
        n.put("reason", reason.name());
        n.put("error", error);
        n.put("next_attempt_at", Instant.ofEpochMilli(nextAt).toString());
        return bytes(n);
    }

    static byte[] deadLettered(String id, String to, DeadLetterReason reason, String error, int attempts,
                               long acceptedAt, long now) {
        ObjectNode n = base("dead_lettered", id, to, acceptedAt, now);
        n.put("reason", reason.name());
        n.put("error", error);
        n.put("attempts", attempts);
        return bytes(n);
    }

    static byte[] key(String id) {
        return id == null ? null : id.getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode base(String event, String id, String to, long acceptedAt, long now) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("event", event);
        n.put("id", id);
        n.put("to", to);
        n.put("time", Instant.ofEpochMilli(now).toString());
        n.put("accepted_at", Instant.ofEpochMilli(acceptedAt).toString());
        return n;
    }

    private static byte[] bytes(ObjectNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
