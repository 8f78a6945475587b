package io.agentmesh.tools.faults;

/** One record found in an inbox, in the order the verifier read it from that inbox. */
public record Receipt(String id, String target, String sender, long seq) {
}
