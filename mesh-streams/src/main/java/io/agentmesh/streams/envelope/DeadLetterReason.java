package io.agentmesh.streams.envelope;

/** Why a record went to the dead-letter topic (DESIGN.md, Routing). */
public enum DeadLetterReason {
    UNKNOWN_TARGET,
    NO_HEALTHY_AGENT,
    EXPIRED,
    MAX_ATTEMPTS,
    INVALID_ENVELOPE,
    PAYLOAD_TOO_LARGE,
    DELIVERY_FAILED,
    REJECTED_BY_AGENT,
    /** The router's store of messages waiting for a retry was full (per target or overall). */
    RETRY_QUEUE_FULL
}
