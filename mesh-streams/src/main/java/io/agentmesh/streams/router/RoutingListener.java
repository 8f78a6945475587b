package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;

/**
 * Told what the router decided for each record, so the host can count it. Called on the stream
 * thread: implementations must be quick and must not throw. Under exactly-once a record whose
 * transaction aborts is processed (and reported) again.
 */
public interface RoutingListener {

    RoutingListener NONE = new RoutingListener() {
    };

    /** A record was handed to an inbox; {@code acceptedAtMs} is the ingress record's timestamp. */
    default void onRouted(String messageId, String agentId, long acceptedAtMs) {
    }

    default void onDuplicate(String messageId) {
    }

    /** A message could not be routed yet and waits for its next attempt. */
    default void onRetryScheduled(String messageId, int failedAttempts) {
    }

    /** {@code messageId} is null when the record had none (undecodable). */
    default void onDeadLetter(String messageId, DeadLetterReason reason) {
    }
}
