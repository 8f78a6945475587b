package io.agentmesh.streams.router;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.Envelope;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The lifecycle records the router writes to {@code mesh.events}, keyed by message id: JSON with
 * {@code event} one of routed, deduplicated, retry_scheduled, dead_lettered, and the message's
 * {@code id, to, from, type, source, key} (its conversation key), {@code bytes} (payload size) and
 * {@code accepted_at}, so that each record says what it is about without the message (analytics
 * taps read them).
 */
final class MessageEvents {

    private static final JsonFactory FACTORY = new JsonFactory();

    private MessageEvents() {
    }

    /** {@code agents}: the agents the message went to (the topology dashboard draws edges from {@code from} to them). */
    static byte[] routed(Envelope m, String key, List<String> agents, int attempt, long acceptedAt, long now) {
        return write("routed", m, key, acceptedAt, now, g -> {
            g.writeArrayFieldStart("agents");
            for (String agent : agents) {
                g.writeString(agent);
            }
            g.writeEndArray();
            g.writeNumberField("attempt", attempt);
        });
    }

    static byte[] deduplicated(Envelope m, String key, long acceptedAt, long now) {
        return write("deduplicated", m, key, acceptedAt, now, g -> {
        });
    }

    /** {@code target}: the agent or target the message waits for. */
    static byte[] retryScheduled(Envelope m, String key, String target, int attempts, DeadLetterReason reason, String error,
                                 long nextAt, long acceptedAt, long now) {
        return write("retry_scheduled", m, key, acceptedAt, now, g -> {
            if (!target.equals(m.target().toString())) {
                g.writeStringField("waits_for", target);
            }
            g.writeNumberField("attempts", attempts);
            g.writeStringField("reason", reason.name());
            g.writeStringField("error", error);
            g.writeStringField("next_attempt_at", Instant.ofEpochMilli(nextAt).toString());
        });
    }

    static byte[] deadLettered(Envelope m, String key, DeadLetterReason reason, String error, int attempts,
                               long acceptedAt, long now) {
        return write("dead_lettered", m, key, acceptedAt, now, g -> {
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
    private static byte[] write(String event, Envelope m, String key, long acceptedAt, long now, Fields more) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(320);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("event", event);
            g.writeStringField("id", m.id());
            g.writeStringField("to", m.target().toString());
            if (m.from() != null) {
                g.writeStringField("from", m.from());
            }
            g.writeStringField("type", m.type());
            g.writeStringField("source", m.source());
            g.writeStringField("key", key);
            g.writeNumberField("bytes", m.payloadBytes());
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
