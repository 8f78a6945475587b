package io.agentmesh.streams.envelope;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import org.apache.kafka.common.header.Headers;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads and validates a mesh message from a Kafka record in CloudEvents binary mode, using the
 * CloudEvents SDK for the CloudEvents rules and adding the mesh's own ({@code meshto} present and
 * well formed).
 */
public final class EnvelopeReader {

    private EnvelopeReader() {
    }

    public static Envelope read(Headers headers, byte[] value) {
        CloudEvent event;
        try {
            event = KafkaMessageFactory.createReader(headers, value).toEvent();
        } catch (CloudEventRWException | IllegalStateException e) {
            throw new InvalidEnvelopeException("not a CloudEvents binary-mode record: " + e.getMessage(), e);
        }
        Object to = event.getExtension(MeshHeaders.EXT_TO);
        if (to == null) {
            throw new InvalidEnvelopeException("missing extension '" + MeshHeaders.EXT_TO + "' (header " + MeshHeaders.TO + ")");
        }
        Target target;
        try {
            target = Target.parse(to.toString());
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException(e.getMessage(), e);
        }
        return new Envelope(event.getId(),
                event.getSource() == null ? null : event.getSource().toString(),
                event.getType(),
                target,
                stringExtension(event, MeshHeaders.EXT_FROM),
                stringExtension(event, MeshHeaders.EXT_CORRELATION_ID),
                value == null ? 0 : value.length,
                expiresAt(stringExtension(event, MeshHeaders.EXT_EXPIRES_AT)),
                strategy(stringExtension(event, MeshHeaders.EXT_STRATEGY)),
                maxAttempts(stringExtension(event, MeshHeaders.EXT_MAX_ATTEMPTS)),
                retryDelayMs(stringExtension(event, MeshHeaders.EXT_RETRY_DELAY_MS)));
    }

    private static Long retryDelayMs(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            long n = Long.parseLong(raw);
            if (n >= 10 && n <= 3_600_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InvalidEnvelopeException("extension '" + MeshHeaders.EXT_RETRY_DELAY_MS + "' must be 10..3600000 ms, got '" + raw + "'");
    }

    private static Instant expiresAt(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEnvelopeException("extension '" + MeshHeaders.EXT_EXPIRES_AT + "' is not an RFC 3339 time: " + raw);
        }
    }

    private static Strategy strategy(String raw) {
        if (raw == null) {
            return null;
        }
        return Strategy.fromWire(raw).orElseThrow(() -> new InvalidEnvelopeException("extension '"
                + MeshHeaders.EXT_STRATEGY + "' must be one of " + Strategy.names() + ", got '" + raw + "'"));
    }

    private static Integer maxAttempts(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= 100) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InvalidEnvelopeException("extension '" + MeshHeaders.EXT_MAX_ATTEMPTS + "' must be 1..100, got '" + raw + "'");
    }

    private static String stringExtension(CloudEvent event, String name) {
        Object v = event.getExtension(name);
        return v == null ? null : v.toString();
    }
}
