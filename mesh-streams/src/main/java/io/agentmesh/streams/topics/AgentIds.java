package io.agentmesh.streams.topics;

/** The rule for agent ids: what may become part of a Kafka topic name. */
public final class AgentIds {

    /** 1-64 characters: lower-case letters, digits, '.' and '-', starting and ending alphanumeric. */
    public static final String RULE = "1-64 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit";

    public static final int MAX_LENGTH = 64;

    private AgentIds() {
    }

    /**
     * Whether {@code id} follows {@link #RULE}: {@code [a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?}, checked
     * without a regex (it is asked for every message routed and sent).
     */
    public static boolean isValid(String id) {
        int n = id == null ? 0 : id.length();
        if (n == 0 || n > MAX_LENGTH || !alnum(id.charAt(0)) || !alnum(id.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = id.charAt(i);
            if (!alnum(c) && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("invalid agent id '" + id + "': " + RULE);
        }
        return id;
    }
}
