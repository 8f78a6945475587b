package io.agentmesh.streams.router;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.agentmesh.streams.envelope.DeadLetterReason;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The lifecycle records the router writes to {@code mesh.events}, keyed by message id: JSON with
 * {@code event} one of routed, deduplicated, retry_scheduled, dead_lettered.
 */
final class MessageEvents {

    private static final JsonFactory FACTORY = new JsonFactory();

    private MessageEvents() {
    }

    /** {@code from}: the sender, when the message names one (what the topology dashboard draws edges from). */
    static byte[] routed(String id, String to, String from, List<String> agents, int attempt, long acceptedAt, long now) {
        return write("routed", id, to, acceptedAt, now, g -> {
            if (from != null) {
                g.writeStringField("from", from);
            }
            g.writeArrayFieldStart("agents");
            for (String agent : agents) {
                g.writeString(agent);
            }
            g.writeEndArray();
            g.writeNumberField("attempt", attempt);
        });
    }

    static byte[] deduplicated(String id, String to, long acceptedAt, long now) {
        return write("deduplicated", id, to, acceptedAt, now, g -> {
        });
    }

    static byte[] retryScheduled(String id, String to, int attempts, DeadLetterReason reason, String error,
                                 long nextAt, long acceptedAt, long now) {
        return write("retry_scheduled", id, to, acceptedAt, now, g -> {
            g.writeNumberField("attempts", attempts);
            g.writeStringField("reason", reason.name());
            g.writeStringField("error", error);
            g.writeStringField("next_attempt_at", Instant.ofEpochMilli(nextAt).toString());
        });
    }

    static byte[] deadLettered(String id, String to, DeadLetterReason reason, String error, int attempts,
                               long acceptedAt, long now) {
        return write("dead_lettered", id, to, acceptedAt, now, g -> {
            g.writeStringField("reason", reason.name());
            g.writeStringField("error", error);
            g.writeNumberField("attempts", attempts);
        });
    }

    static byte[] key(String id) {
        return id == null ? null : id.getBytes(StandardCharsets.UTF_8);
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** One event written straight to bytes (no tree of nodes: this runs for every message routed). */
    private static byte[] write(String event, String id, String to, long acceptedAt, long now, Fields more) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("event", event);
            g.writeStringField("id", id);
            g.writeStringField("to", to);
            g.writeStringField("time", Instant.ofEpochMilli(now).toString());
            g.writeStringField("accepted_at", Instant.ofEpochMilli(acceptedAt).toString());
            more.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
