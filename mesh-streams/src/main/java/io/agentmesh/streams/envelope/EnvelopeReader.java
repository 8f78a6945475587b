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
        Envelope fast = readPlainBinary(headers, value);
        return fast != null ? fast : readWithSdk(headers, value);
    }

    /** The CloudEvents SDK's reading of the record, and its verdict on anything unusual. */
    static Envelope readWithSdk(Headers headers, byte[] value) {
        CloudEvent event;
        try {
            event = KafkaMessageFactory.createReader(headers, value).toEvent();
        } catch (CloudEventRWException | IllegalStateException e) {
            throw new InvalidEnvelopeException("not a CloudEvents binary-mode record: " + e.getMessage(), e);
        }
        return envelope(event.getId(), event.getSource() == null ? null : event.getSource().toString(), event.getType(),
                name -> stringExtension(event, name), value);
    }

    /**
     * The common case read straight from the headers, without building a CloudEvent (the SDK's object
     * and its parsing of the time were a tenth of the router's work): a CloudEvents 1.0 binary-mode
     * record whose headers are each present once, whose id, source and type are set, whose source is a
     * URI and whose time, if any, is in the plain RFC 3339 form the mesh writes. Anything else answers
     * null, and the SDK reads the record and gives its verdict, exactly as before.
     */
    static Envelope readPlainBinary(Headers headers, byte[] value) {
        java.util.Map<String, String> ce = new java.util.HashMap<>(16);
        for (org.apache.kafka.common.header.Header h : headers) {
            String key = h.key();
            if (key.equalsIgnoreCase(MeshHeaders.CONTENT_TYPE) && (h.value() == null
                    || new String(h.value(), java.nio.charset.StandardCharsets.UTF_8).startsWith("application/cloudevents"))) {
                // the SDK reads such a record in structured mode
                return null;
            }
            if (key.length() > MeshHeaders.CE_PREFIX.length() && key.startsWith(MeshHeaders.CE_PREFIX)) {
                String name = key.substring(MeshHeaders.CE_PREFIX.length());
                if (!attributeName(name) || h.value() == null
                        || ce.put(name, new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)) != null) {
                    return null;
                }
            }
        }
        String id = ce.get("id");
        String source = ce.get("source");
        String type = ce.get("type");
        String time = ce.get("time");
        if (!"1.0".equals(ce.get("specversion")) || id == null || id.isEmpty() || source == null || source.isEmpty()
                || type == null || type.isEmpty() || ce.containsKey("dataschema") || ce.containsKey("datacontenttype")
                || ce.containsKey("data") || (time != null && !Rfc3339.plain(time))) {
            return null;
        }
        try {
            new java.net.URI(source);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
        return envelope(id, source, type, ce::get, value);
    }

    /** A CloudEvents attribute name: lower-case letters and digits. */
    private static boolean attributeName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private static Envelope envelope(String id, String source, String type, java.util.function.Function<String, String> ext,
                                     byte[] value) {
        String to = ext.apply(MeshHeaders.EXT_TO);
        if (to == null) {
            throw new InvalidEnvelopeException("missing extension '" + MeshHeaders.EXT_TO + "' (header " + MeshHeaders.TO + ")");
        }
        Target target;
        try {
            target = Target.parse(to);
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException(e.getMessage(), e);
        }
        return new Envelope(id, source, type, target,
                ext.apply(MeshHeaders.EXT_FROM),
                ext.apply(MeshHeaders.EXT_CORRELATION_ID),
                value == null ? 0 : value.length,
                expiresAt(ext.apply(MeshHeaders.EXT_EXPIRES_AT)),
                strategy(ext.apply(MeshHeaders.EXT_STRATEGY)),
                maxAttempts(ext.apply(MeshHeaders.EXT_MAX_ATTEMPTS)),
                retryDelayMs(ext.apply(MeshHeaders.EXT_RETRY_DELAY_MS)));
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
