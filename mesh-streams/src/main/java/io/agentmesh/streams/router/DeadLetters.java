package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.MeshHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Builds the headers of a dead letter: the original ones plus reason, error, attempts, origin,
 * time, and for retried messages the cause and the first and last failure times.
 */
public final class DeadLetters {

    private static final int MAX_ERROR_CHARS = 1000;

    private DeadLetters() {
    }

    public record Failure(DeadLetterReason reason, String error, int attempts, String origin, long firstFailureMs,
                   long lastFailureMs, String cause) {
    }

    public static Headers headers(Headers original, Failure f, long nowMs) {
        RecordHeaders headers = new RecordHeaders(original.toArray());
        put(headers, MeshHeaders.DLQ_REASON, f.reason().name());
        put(headers, MeshHeaders.DLQ_ERROR, truncate(f.error()));
        put(headers, MeshHeaders.DLQ_ATTEMPTS, Integer.toString(f.attempts()));
        put(headers, MeshHeaders.DLQ_ORIGIN, f.origin());
        put(headers, MeshHeaders.DLQ_TIME, Instant.ofEpochMilli(nowMs).toString());
        put(headers, MeshHeaders.DLQ_FIRST_FAILURE, Instant.ofEpochMilli(f.firstFailureMs() > 0 ? f.firstFailureMs() : nowMs).toString());
        put(headers, MeshHeaders.DLQ_LAST_FAILURE, Instant.ofEpochMilli(f.lastFailureMs() > 0 ? f.lastFailureMs() : nowMs).toString());
        if (f.cause() != null) {
            put(headers, MeshHeaders.DLQ_CAUSE, f.cause());
        }
        return headers;
    }

    private static void put(RecordHeaders headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8));
    }

    private static String truncate(String error) {
        if (error == null || error.length() <= MAX_ERROR_CHARS) {
            return error;
        }
        return error.substring(0, MAX_ERROR_CHARS);
    }
}
