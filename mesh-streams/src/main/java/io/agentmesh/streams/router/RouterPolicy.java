package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.Strategy;

import java.time.Duration;
import java.util.Objects;

/**
 * What the router is told from configuration.
 *
 * @param dedupeWindow    how long a message id is remembered; the same id within it is delivered once
 * @param maxPayloadBytes records with a larger value are dead-lettered as PAYLOAD_TOO_LARGE
 * @param defaultStrategy how an anycast ({@code capability:}) target picks its agent unless the message says
 * @param retry           backoff for messages that cannot be routed yet
 * @param retryTick       how often due retries are looked for (wall-clock punctuation)
 * @param maxParkedPerTarget how many messages may wait for one target (per router task); more are dead-lettered
 *                           as RETRY_QUEUE_FULL
 * @param maxParked       how many messages may wait in all (per router task)
 */
public record RouterPolicy(Duration dedupeWindow, int maxPayloadBytes, Strategy defaultStrategy, RetryPolicy retry,
                           Duration retryTick, long maxParkedPerTarget, long maxParked) {

    public static final long DEFAULT_MAX_PARKED_PER_TARGET = 100_000;
    public static final long DEFAULT_MAX_PARKED = 1_000_000;

    public RouterPolicy(Duration dedupeWindow, int maxPayloadBytes) {
        this(dedupeWindow, maxPayloadBytes, Strategy.ROUND_ROBIN, RetryPolicy.none(), Duration.ofMillis(100));
    }

    public RouterPolicy(Duration dedupeWindow, int maxPayloadBytes, Strategy defaultStrategy, RetryPolicy retry,
                        Duration retryTick) {
        this(dedupeWindow, maxPayloadBytes, defaultStrategy, retry, retryTick, DEFAULT_MAX_PARKED_PER_TARGET,
                DEFAULT_MAX_PARKED);
    }

    public RouterPolicy {
        Objects.requireNonNull(dedupeWindow, "dedupeWindow");
        if (dedupeWindow.isNegative() || dedupeWindow.isZero()) {
            throw new IllegalArgumentException("dedupe window must be positive");
        }
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be positive");
        }
        Objects.requireNonNull(defaultStrategy, "defaultStrategy");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(retryTick, "retryTick");
        if (retryTick.isNegative() || retryTick.isZero()) {
            throw new IllegalArgumentException("retry tick must be positive");
        }
        if (maxParkedPerTarget < 1 || maxParked < maxParkedPerTarget) {
            throw new IllegalArgumentException("need 1 <= maxParkedPerTarget <= maxParked");
        }
    }

    public static RouterPolicy defaults() {
        return new RouterPolicy(Duration.ofMinutes(10), 1024 * 1024, Strategy.ROUND_ROBIN, RetryPolicy.defaults(),
                Duration.ofMillis(100));
    }

    /** The strategy for an anycast message: its own, else the default. */
    public Strategy strategyFor(io.agentmesh.streams.envelope.Envelope envelope) {
        return envelope.strategy() != null ? envelope.strategy() : defaultStrategy;
    }

    /** How many attempts a message gets: its own max_attempts, else the retry policy's. */
    public int maxAttemptsFor(io.agentmesh.streams.envelope.Envelope envelope) {
        return envelope.maxAttempts() != null ? envelope.maxAttempts() : retry.maxAttempts();
    }
}
