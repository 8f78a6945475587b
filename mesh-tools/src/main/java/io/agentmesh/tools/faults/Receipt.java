package io.agentmesh.tools.faults;

/** One message found in an inbox or processed by an agent (when: epoch ms), in the order it was seen there. */
public record Receipt(String id, String target, String sender, long seq, long atMillis) {

    public Receipt(String id, String target, String sender, long seq) {
        this(id, target, sender, seq, System.currentTimeMillis());
    }

    /** A receipt of message {@code id} (the load's ids are {@code <sender>-<seq>}) found at {@code target}. */
    public static Receipt of(String id, String target) {
        int dash = id.lastIndexOf('-');
        if (dash <= 0) {
            return new Receipt(id, target, id, -1);
        }
        try {
            return new Receipt(id, target, id.substring(0, dash), Long.parseLong(id.substring(dash + 1)));
        } catch (NumberFormatException e) {
            return new Receipt(id, target, id, -1);
        }
    }
}
