package io.agentmesh.streams.router;

import java.time.Duration;
import java.util.Objects;

/**
 * What the router is told from configuration.
 *
 * @param dedupeWindow    how long a message id is remembered; the same id within it is delivered once
 * @param maxPayloadBytes records with a larger value are dead-lettered as PAYLOAD_TOO_LARGE
 */
public record RouterPolicy(Duration dedupeWindow, int maxPayloadBytes) {

    public RouterPolicy {
        Objects.requireNonNull(dedupeWindow, "dedupeWindow");
        if (dedupeWindow.isNegative() || dedupeWindow.isZero()) {
            throw new IllegalArgumentException("dedupe window must be positive");
        }
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be positive");
        }
    }

    public static RouterPolicy defaults() {
        return new RouterPolicy(Duration.ofMinutes(10), 1024 * 1024);
    }
}
