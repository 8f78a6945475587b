package io.agentmesh.streams.envelope;

import java.time.Instant;
import java.util.Optional;

/** The routing-relevant attributes of one mesh message, read from its CloudEvents headers. */
public record Envelope(String id, String source, String type, Target target, String from,
                       String correlationId, int payloadBytes, Instant expiresAt, Strategy strategy,
                       Integer maxAttempts, Long retryDelayMs) {

    public boolean expiredAt(long nowMs) {
        return expiresAt != null && expiresAt.toEpochMilli() <= nowMs;
    }

    public Optional<String> correlation() {
        return Optional.ofNullable(correlationId);
    }
}
