package io.agentmesh.service.web;

import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.topics.AgentIds;

/** Query and path parameters, checked with errors that name them. */
public final class Params {

    private Params() {
    }

    public static int intParam(String name, String raw, int defaultValue, int min, int max) {
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw MeshException.invalidField(name, "'" + raw + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw MeshException.invalidField(name, value + " is outside " + min + ".." + max);
        }
        return value;
    }

    public static String agentId(String raw) {
        if (!AgentIds.isValid(raw)) {
            throw MeshException.invalidField("id", "'" + raw + "' is not a valid agent id: " + AgentIds.RULE);
        }
        return raw;
    }

    /** An RFC 3339 time, e.g. 2026-11-28T10:00:00Z. */
    public static java.time.Instant time(String field, String raw) {
        try {
            return java.time.OffsetDateTime.parse(raw).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw MeshException.invalidField(field, "'" + raw + "' is not an RFC 3339 time (e.g. 2026-11-28T10:00:00Z)");
        }
    }

    /** {@link #optional}, refusing control characters (400 naming {@code name}): free text matched against stored text. */
    public static String text(String name, String raw) {
        String value = optional(raw);
        if (value != null && value.chars().anyMatch(Character::isISOControl)) {
            throw MeshException.invalidField(name, "may not hold control characters");
        }
        return value;
    }

    public static String optional(String raw) {
        return raw == null || raw.isEmpty() ? null : raw;
    }
}
