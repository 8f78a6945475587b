package io.agentmesh.service.messaging;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.envelope.Strategy;
import io.agentmesh.streams.envelope.Target;
import io.agentmesh.streams.topics.AgentIds;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/** The rules a message must meet before anything is written to Kafka. */
public final class MessageValidator {

    public static final String DEFAULT_TYPE = "mesh.message";
    public static final String DEFAULT_CONTENT_TYPE = "application/json";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9._:/-]{1,256}");
    private static final int MAX_KEY = 256;

    private final int maxPayloadBytes;

    public MessageValidator(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Checks everything but whether the target exists; returns the parsed target. */
    public Target check(SendCommand c) {
        if (c.to() == null || c.to().isEmpty()) {
            throw new MeshException(ErrorCode.INVALID_REQUEST, "to: is required", Map.of("field", "to"));
        }
        Target target;
        try {
            target = Target.parse(c.to());
        } catch (IllegalArgumentException e) {
            throw new MeshException(ErrorCode.INVALID_TARGET, "to: " + e.getMessage(), Map.of("field", "to"));
        }
        if (c.from() != null && !AgentIds.isValid(c.from())) {
            throw MeshException.invalidField("from", "'" + c.from() + "' is not an agent id: " + AgentIds.RULE);
        }
        if (c.type() != null && !TYPE.matcher(c.type()).matches()) {
            throw MeshException.invalidField("type", "1-256 characters of [A-Za-z0-9._:/-]");
        }
        if (c.id() != null && !ID.matcher(c.id()).matches()) {
            throw MeshException.invalidField("id", "'" + c.id() + "' must be 1-128 characters of [A-Za-z0-9._:@-]");
        }
        if (c.correlationId() != null && !ID.matcher(c.correlationId()).matches()) {
            throw MeshException.invalidField("correlation_id", "1-128 characters of [A-Za-z0-9._:@-]");
        }
        if (c.key() != null && (c.key().isEmpty() || c.key().length() > MAX_KEY)) {
            throw MeshException.invalidField("key", "1-" + MAX_KEY + " characters");
        }
        checkExtensions(c.extensions());
        if (c.payload() == null || c.payload().length == 0) {
            throw MeshException.invalidField("payload", "is required (not empty)");
        }
        if (c.payload().length > maxPayloadBytes) {
            throw new MeshException(ErrorCode.PAYLOAD_TOO_LARGE, "payload is " + c.payload().length
                    + " bytes; the limit is " + maxPayloadBytes,
                    Map.of("field", "payload", "size", c.payload().length, "limit", maxPayloadBytes));
        }
        checkContent(c.contentType(), c.payload());
        return target;
    }

    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\\s*;.*)?");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * The same rules whatever the transport: a content type is a media type, and a payload that
     * says it is JSON is JSON.
     */
    /** The content type of a payload sent without one: JSON when it parses as JSON, else octet-stream. */
    public static String contentTypeOf(byte[] payload) {
        return isJson(payload) ? DEFAULT_CONTENT_TYPE : "application/octet-stream";
    }

    private static boolean isJson(byte[] payload) {
        try (var parser = JSON.getFactory().createParser(payload)) {
            while (parser.nextToken() != null) {
                // reads the whole document: it must be well formed
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void checkContent(String contentType, byte[] payload) {
        if (contentType == null) {
            return;
        }
        if (contentType.length() > 256 || !MEDIA_TYPE.matcher(contentType).matches()) {
            throw MeshException.invalidField("content_type", "'" + contentType + "' is not a media type such as "
                    + "application/json or text/plain");
        }
        String base = contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
        if ((base.equals("application/json") || base.endsWith("+json")) && !isJson(payload)) {
            throw MeshException.invalidField("payload", "is not JSON, though its content type " + contentType
                    + " says it is");
        }
    }

    private static void checkExtensions(Map<String, String> extensions) {
        for (String owned : java.util.List.of("meshreplay", "meshreplayof")) {
            if (extensions.containsKey(owned)) {
                throw MeshException.invalidField(owned, "is set by the mesh on replayed dead letters, not by senders");
            }
        }
        String strategy = extensions.get(MeshHeaders.EXT_STRATEGY);
        if (strategy != null && Strategy.fromWire(strategy).isEmpty()) {
            throw MeshException.invalidField("strategy", "'" + strategy + "' is not one of " + Strategy.names());
        }
        String maxAttempts = extensions.get(MeshHeaders.EXT_MAX_ATTEMPTS);
        if (maxAttempts != null) {
            try {
                int n = Integer.parseInt(maxAttempts);
                if (n < 1 || n > 100) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw MeshException.invalidField("max_attempts", "must be 1..100, got '" + maxAttempts + "'");
            }
        }
        String retryDelay = extensions.get(MeshHeaders.EXT_RETRY_DELAY_MS);
        if (retryDelay != null) {
            try {
                long n = Long.parseLong(retryDelay);
                if (n < 10 || n > 3_600_000) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw MeshException.invalidField("retry_delay_ms", "must be 10..3600000, got '" + retryDelay + "'");
            }
        }
        String expiresAt = extensions.get(MeshHeaders.EXT_EXPIRES_AT);
        if (expiresAt != null) {
            try {
                OffsetDateTime.parse(expiresAt);
            } catch (DateTimeParseException e) {
                throw MeshException.invalidField("expires_at", "'" + expiresAt + "' is not an RFC 3339 time");
            }
        }
    }
}
