package io.agentmesh.service.dlq;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.Target;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * Which dead letters an operator means: by reason, target, sender and the time they were
 * dead-lettered. Every field is optional; a blank filter matches everything.
 */
public record DeadLetterFilter(@JsonProperty("reason") String reason,
                               @JsonProperty("target") String target,
                               @JsonProperty("from") String from,
                               @JsonProperty("since") String since,
                               @JsonProperty("until") String until) {

    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, null, null);

    /** Checks every field; a bad one is a 400 naming it. */
    public DeadLetterFilter validated() {
        if (reason != null && Arrays.stream(DeadLetterReason.values()).noneMatch(r -> r.name().equals(reason))) {
            throw MeshException.invalidField("reason", "'" + reason + "' is not one of " + Arrays.toString(DeadLetterReason.values()));
        }
        if (target != null) {
            try {
                Target.parse(target);
            } catch (IllegalArgumentException e) {
                throw MeshException.invalidField("target", e.getMessage());
            }
        }
        if (from != null && from.chars().anyMatch(Character::isISOControl)) {
            throw MeshException.invalidField("from", "may not hold control characters (no sender has them)");
        }
        Instant s = time("since", since);
        Instant u = time("until", until);
        if (s != null && u != null && !s.isBefore(u)) {
            throw MeshException.invalidField("until", "must be after since");
        }
        return this;
    }

    public Instant sinceInstant() {
        return time("since", since);
    }

    public Instant untilInstant() {
        return time("until", until);
    }

    /** Whether no field is set (a filter that would select everything). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return reason == null && target == null && from == null && since == null && until == null;
    }

    /**
     * Whether the dead letter matches. {@code reason} matches the reason or the cause, so
     * {@code NO_HEALTHY_AGENT} finds a message given up at once (max_attempts 1: the reason is the
     * cause) and one given up after retries (MAX_ATTEMPTS with that cause).
     */
    public boolean matches(DeadLetter d) {
        if (reason != null && !reason.equals(d.reason()) && !reason.equals(d.cause())) {
            return false;
        }
        if (target != null && !sameTarget(target, d.target())) {
            return false;
        }
        if (from != null && !from.equals(d.message().from())) {
            return false;
        }
        Instant s = sinceInstant();
        Instant u = untilInstant();
        return (s == null || !d.deadLetteredAt().isBefore(s)) && (u == null || d.deadLetteredAt().isBefore(u));
    }

    private static boolean sameTarget(String wanted, String actual) {
        if (actual == null) {
            return false;
        }
        try {
            return Target.parse(wanted).equals(Target.parse(actual));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Instant time(String field, String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException e) {
            throw MeshException.invalidField(field, "'" + raw + "' is not an RFC 3339 time (e.g. 2026-11-28T10:00:00Z)");
        }
    }
}
