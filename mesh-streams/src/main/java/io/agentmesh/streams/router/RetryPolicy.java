package io.agentmesh.streams.router;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff for messages that cannot be routed yet (unknown target, no healthy agent):
 * attempt n (n >= 1 failures so far) waits {@code min(maxDelay, initialDelay * multiplier^(n-1))};
 * after {@code maxAttempts} failed attempts the message is dead-lettered.
 */
public record RetryPolicy(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts) {

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initial delay must be positive");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be >= 1");
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("max delay must be >= initial delay");
        }
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("max attempts must be 1..100");
        }
    }

    /** No retries: the first failure dead-letters. */
    public static RetryPolicy none() {
        return new RetryPolicy(Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1), 1);
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 6);
    }

    /** The same policy starting from another initial delay (the max delay grows to it if needed). */
    public RetryPolicy withInitialDelay(Duration initial) {
        return new RetryPolicy(initial, multiplier, maxDelay.compareTo(initial) < 0 ? initial : maxDelay, maxAttempts);
    }

    /** The wait after the given number of failed attempts (1 = after the first failure). */
    public Duration delayAfter(int failedAttempts) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
        return Duration.ofMillis((long) Math.min(maxDelay.toMillis(), millis));
    }

    /** How long a message may wait in all before its last attempt: the sum of the waits between {@code maxAttempts} attempts. */
    public Duration totalWait(int maxAttempts) {
        long millis = 0;
        for (int failed = 1; failed < maxAttempts; failed++) {
            millis += delayAfter(failed).toMillis();
        }
        return Duration.ofMillis(millis);
    }
}
