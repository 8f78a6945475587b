package io.agentmesh.tools.faults;

/**
 * The ways an agent takes its messages, each watched by an agent of its own in the fault
 * scenarios. {@link #INBOX} is the inbox topic itself, read from the beginning read_committed: the
 * router's exactly-once output. The others are at least once: an agent may see a message twice
 * (after a crash between processing and acknowledging), and must never miss one.
 */
public enum DeliveryPath {
    INBOX("inbox topic (Kafka, read_committed)", "every target's inbox", true),
    CONNECT("gRPC Connect + acks", "fault-connect", false),
    LONG_POLL("REST long-poll + acks", "fault-poll", false),
    SSE("SSE + Last-Event-ID resume, acks", "fault-sse", false),
    PUSH("webhook push", "fault-push", false);

    private final String label;
    private final String agent;
    private final boolean exactlyOnce;

    DeliveryPath(String label, String agent, boolean exactlyOnce) {
        this.label = label;
        this.agent = agent;
        this.exactlyOnce = exactlyOnce;
    }

    public String label() {
        return label;
    }

    /** The agent that receives over this path (INBOX: a description, it reads every target's inbox). */
    public String agent() {
        return agent;
    }

    public boolean exactlyOnce() {
        return exactlyOnce;
    }

    /** The agent paths, the targets of the load. */
    public static java.util.List<DeliveryPath> agentPaths() {
        return java.util.List.of(CONNECT, LONG_POLL, SSE, PUSH);
    }

    /** What this path must show: nothing lost, refused, misrouted or out of order; on the exactly-once path nothing twice either. */
    public boolean holds(CheckResult c) {
        return c.lost() == 0 && c.phantom() == 0 && c.orderViolations() == 0 && c.misrouted() == 0 && c.unexpected() == 0
                && (!exactlyOnce || c.duplicates() == 0);
    }
}
