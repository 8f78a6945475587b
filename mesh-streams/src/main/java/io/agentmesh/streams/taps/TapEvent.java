package io.agentmesh.streams.taps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.streams.envelope.Envelope;
import io.agentmesh.streams.envelope.EnvelopeReader;
import io.agentmesh.streams.envelope.InvalidEnvelopeException;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.envelope.Target;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One message event as taps see it, read from {@code mesh.ingress} (kind {@code accepted}, the only
 * one with the payload) or from {@code mesh.events} (the router's and the delivery paths' records):
 * the fields every tap record of it carries, and what filters look at.
 *
 * @param kind       {@link #KINDS}
 * @param eventId    where it was read, {@code <ingress|events>:<partition>:<offset>}: the same for a
 *                   live record and a backfilled one, so a consumer can drop repeats
 * @param key        the message's conversation key (the tap record's key)
 * @param recipients the agents it went to (or, for a message to one agent, that agent)
 */
public record TapEvent(String kind, String eventId, String key, String from, String type, Target target, String to,
                       List<String> recipients, ObjectNode fields, byte[] payload, String contentType) {

    public static final String ACCEPTED = "accepted";
    public static final List<String> KINDS = List.of(ACCEPTED, "routed", "deduplicated", "retried", "dead_lettered",
            "delivered", "acked");
    /** mesh.events names → tap kinds. */
    private static final Map<String, String> FROM_EVENTS = Map.of("routed", "routed", "deduplicated", "deduplicated",
            "retry_scheduled", "retried", "dead_lettered", "dead_lettered", "delivered", "delivered", "acked", "acked");
    /** mesh.events fields a tap record carries over as they are. */
    private static final List<String> CARRIED = List.of("id", "to", "from", "type", "source", "bytes", "agents",
            "attempt", "attempts", "reason", "error", "next_attempt_at", "waits_for", "agent", "via", "partition",
            "offset", "offsets");

    /** The accepted message read from an ingress record; null when the record is not a mesh message. */
    public static TapEvent accepted(int partition, long offset, long timestamp, byte[] key, Headers headers, byte[] value,
                                    ObjectMapper mapper) {
        Envelope m;
        try {
            m = EnvelopeReader.read(headers, value);
        } catch (InvalidEnvelopeException | IllegalArgumentException e) {
            return null;
        }
        String keyText = key == null ? m.id() : new String(key, StandardCharsets.UTF_8);
        ObjectNode f = mapper.createObjectNode();
        f.put("id", m.id());
        f.put("key", keyText);
        f.put("to", m.target().toString());
        if (m.from() != null) {
            f.put("from", m.from());
        }
        f.put("type", m.type());
        f.put("source", m.source());
        putHeader(f, "time", headers, MeshHeaders.TIME);
        putHeader(f, "specversion", headers, MeshHeaders.SPEC_VERSION);
        putHeader(f, "correlation_id", headers, MeshHeaders.CORRELATION_ID);
        String contentType = header(headers, MeshHeaders.CONTENT_TYPE);
        if (contentType != null) {
            f.put("content_type", contentType);
        }
        f.put("bytes", m.payloadBytes());
        String at = Instant.ofEpochMilli(timestamp).toString();
        f.put("accepted_at", at);
        f.put("at", at);
        List<String> recipients = m.target().kind() == Target.Kind.AGENT ? List.of(m.target().value()) : List.of();
        return new TapEvent(ACCEPTED, "ingress:" + partition + ":" + offset, keyText, m.from(), m.type(), m.target(),
                m.target().toString(), recipients, f, value == null ? new byte[0] : value, contentType);
    }

    /** The event of a {@code mesh.events} record; null when it is not one a tap shows. */
    public static TapEvent ofEvent(int partition, long offset, byte[] key, byte[] value, ObjectMapper mapper) {
        if (value == null) {
            return null;
        }
        JsonNode json;
        try {
            json = mapper.readTree(value);
        } catch (IOException e) {
            return null;
        }
        if (!(json instanceof ObjectNode event)) {
            return null;
        }
        String kind = FROM_EVENTS.get(event.path("event").asText(""));
        if (kind == null) {
            return null;
        }
        ObjectNode f = mapper.createObjectNode();
        for (String name : CARRIED) {
            JsonNode v = event.get(name);
            if (v != null && !v.isNull()) {
                f.set(name, v);
            }
        }
        String id = text(event, "id");
        String keyText = text(event, "key");
        if (keyText == null) {
            // a position ack is keyed by its agent; older records carry no key of the message
            keyText = id != null ? id : key == null ? null : new String(key, StandardCharsets.UTF_8);
        }
        f.put("key", keyText);
        String acceptedAt = text(event, "accepted_at");
        String at = text(event, "time");
        if (acceptedAt != null) {
            f.put("accepted_at", acceptedAt);
        }
        if (at != null) {
            f.put("at", at);
        }
        if ("routed".equals(kind) && acceptedAt != null && at != null) {
            try {
                f.put("routing_latency_ms", Instant.parse(at).toEpochMilli() - Instant.parse(acceptedAt).toEpochMilli());
            } catch (DateTimeParseException e) {
                // no latency for times the mesh did not write
            }
        }
        List<String> recipients = new ArrayList<>();
        if (event.get("agents") instanceof ArrayNode agents) {
            agents.forEach(a -> recipients.add(a.asText()));
        }
        String agent = text(event, "agent");
        if (agent != null && !recipients.contains(agent)) {
            recipients.add(agent);
        }
        String to = text(event, "to");
        Target target = null;
        if (to != null) {
            try {
                target = Target.parse(to);
                if (target.kind() == Target.Kind.AGENT && !recipients.contains(target.value())) {
                    recipients.add(target.value());
                }
            } catch (IllegalArgumentException e) {
                target = null;
            }
        }
        return new TapEvent(kind, "events:" + partition + ":" + offset, keyText, text(event, "from"), text(event, "type"),
                target, to, List.copyOf(recipients), f, null, null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void putHeader(ObjectNode f, String field, Headers headers, String name) {
        String v = header(headers, name);
        if (v != null) {
            f.put(field, v);
        }
    }
}
