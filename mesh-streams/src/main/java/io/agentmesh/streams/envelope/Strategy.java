package io.agentmesh.streams.envelope;

import java.util.Arrays;
import java.util.Optional;

/** How one agent is chosen among those with a capability. Wire names are lower-case, hyphenated. */
public enum Strategy {
    ROUND_ROBIN("round-robin"),
    LEAST_LOADED("least-loaded"),
    CONSISTENT_HASH("consistent-hash");

    private final String wireName;

    Strategy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Strategy> fromWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Strategy::wireName).toList());
    }
}
