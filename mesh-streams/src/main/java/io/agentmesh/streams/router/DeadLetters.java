package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.MeshHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the headers of a dead letter: the original ones plus reason, error, attempts, origin. */
final class DeadLetters {

    private static final int MAX_ERROR_CHARS = 1000;

    private DeadLetters() {
    }

    static Headers headers(Headers original, DeadLetterReason reason, String error, int attempts,
                           String origin, long nowMs) {
        RecordHeaders headers = new RecordHeaders(original.toArray());
        put(headers, MeshHeaders.DLQ_REASON, reason.name());
        put(headers, MeshHeaders.DLQ_ERROR, truncate(error));
        put(headers, MeshHeaders.DLQ_ATTEMPTS, Integer.toString(attempts));
        put(headers, MeshHeaders.DLQ_ORIGIN, origin);
        put(headers, MeshHeaders.DLQ_TIME, Instant.ofEpochMilli(nowMs).toString());
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
