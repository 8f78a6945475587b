package io.agentmesh.streams.topics;

import java.util.regex.Pattern;

/** The rule for agent ids: what may become part of a Kafka topic name. */
public final class AgentIds {

    /** 1-64 characters: lower-case letters, digits, '.' and '-', starting and ending alphanumeric. */
    public static final String RULE = "1-64 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit";

    public static final int MAX_LENGTH = 64;

    private static final Pattern VALID = Pattern.compile("[a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?");

    private AgentIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("invalid agent id '" + id + "': " + RULE);
        }
        return id;
    }
}
