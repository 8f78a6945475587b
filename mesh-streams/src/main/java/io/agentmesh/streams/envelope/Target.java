package io.agentmesh.streams.envelope;

import io.agentmesh.streams.topics.AgentIds;

import java.util.regex.Pattern;

/**
 * A message's destination, the value of the {@code meshto} extension:
 * {@code agent:<id>}, {@code capability:<name>} (any agent with it),
 * {@code capability:<name>@<ns>} (an agent with it in namespace {@code ns}), {@code namespace:<ns>}
 * or {@code broadcast}. {@code namespace} is the scope of a capability target, null for the others.
 */
public record Target(Kind kind, String value, String namespace) {

    public enum Kind { AGENT, CAPABILITY, NAMESPACE, BROADCAST }

    public Target(Kind kind, String value) {
        this(kind, value, null);
    }

    /** An agent with {@code capability} in {@code namespace}. */
    public static Target capabilityIn(String capability, String namespace) {
        return new Target(Kind.CAPABILITY, requireName(capability, "capability"), requireName(namespace, "namespace"));
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,64}");

    public static Target agent(String id) {
        return new Target(Kind.AGENT, AgentIds.requireValid(id));
    }

    /**
     * Parses a target. A bare agent id is accepted as {@code agent:<id>}.
     *
     * @throws IllegalArgumentException with a message fit for a client when the syntax is wrong
     */
    public static Target parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("target is empty");
        }
        if (raw.equals("broadcast")) {
            return new Target(Kind.BROADCAST, "");
        }
        int colon = raw.indexOf(':');
        if (colon < 0) {
            if (!AgentIds.isValid(raw)) {
                throw new IllegalArgumentException("target '" + raw + "' is neither an agent id ("
                        + AgentIds.RULE + ") nor one of agent:<id>, capability:<name>[@<ns>], namespace:<ns>, broadcast");
            }
            return agent(raw);
        }
        String scheme = raw.substring(0, colon);
        String value = raw.substring(colon + 1);
        return switch (scheme) {
            case "agent" -> {
                if (!AgentIds.isValid(value)) {
                    throw new IllegalArgumentException("invalid agent id '" + value + "' in target: " + AgentIds.RULE);
                }
                yield agent(value);
            }
            case "capability" -> {
                int at = value.indexOf('@');
                yield at < 0 ? new Target(Kind.CAPABILITY, requireName(value, "capability"))
                        : capabilityIn(value.substring(0, at), value.substring(at + 1));
            }
            case "namespace" -> new Target(Kind.NAMESPACE, requireName(value, "namespace"));
            default -> throw new IllegalArgumentException("unknown target scheme '" + scheme
                    + "': use agent:<id>, capability:<name>[@<ns>], namespace:<ns> or broadcast");
        };
    }

    private static String requireName(String value, String what) {
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + " '" + value + "': 1-64 characters of [a-z0-9._-]");
        }
        return value;
    }

    @Override
    public String toString() {
        if (kind == Kind.BROADCAST) {
            return "broadcast";
        }
        return kind.name().toLowerCase() + ":" + value + (namespace == null ? "" : "@" + namespace);
    }
}
