package io.agentmesh.service.dlq;

import io.agentmesh.service.delivery.InboxRecord;
import io.agentmesh.streams.envelope.MeshHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One record of the dead-letter topic. Its stable id is its position, {@code <partition>-<offset>}.
 */
public record DeadLetter(String dlqId, int partition, long offset, String reason, String cause, String error,
                         int attempts, String origin, Instant deadLetteredAt, String firstFailure, String lastFailure,
                         InboxRecord message, byte[] key, Headers headers) {

    public static DeadLetter of(ConsumerRecord<byte[], byte[]> r) {
        Headers h = r.headers();
        String attempts = header(h, MeshHeaders.DLQ_ATTEMPTS);
        return new DeadLetter(r.partition() + "-" + r.offset(), r.partition(), r.offset(),
                header(h, MeshHeaders.DLQ_REASON), header(h, MeshHeaders.DLQ_CAUSE), header(h, MeshHeaders.DLQ_ERROR),
                attempts == null ? 0 : parse(attempts), header(h, MeshHeaders.DLQ_ORIGIN), deadLetteredAt(r),
                header(h, MeshHeaders.DLQ_FIRST_FAILURE), header(h, MeshHeaders.DLQ_LAST_FAILURE), InboxRecord.of(r),
                r.key(), r.headers());
    }

    /**
     * When it was dead-lettered: the {@code mesh_dlq_time} header (the record's timestamp is the
     * same for dead letters written by this version; older ones kept the acceptance time).
     */
    private static Instant deadLetteredAt(ConsumerRecord<byte[], byte[]> r) {
        String at = header(r.headers(), MeshHeaders.DLQ_TIME);
        if (at != null) {
            try {
                return Instant.parse(at);
            } catch (java.time.format.DateTimeParseException e) {
                // fall back to the record's time
            }
        }
        return Instant.ofEpochMilli(r.timestamp());
    }

    /** The agent named in the target, or the whole target when it is not an agent. */
    public String target() {
        return message.to();
    }

    private static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
