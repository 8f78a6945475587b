package io.agentmesh.tools.faults;

/** What a sender learned about one send. */
public enum Outcome {
    /** The mesh answered that it accepted the message (202): it must arrive, once. */
    OK,
    /** The mesh answered that it did not take it (4xx; 503 unless its outcome is unknown), or the request never left: it must not arrive. */
    FAILED,
    /** No answer (timeout, connection reset after sending) or a 503 whose outcome is unknown: it may arrive, at most once. */
    UNKNOWN
}
