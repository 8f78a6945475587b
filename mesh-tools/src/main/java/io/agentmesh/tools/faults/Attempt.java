package io.agentmesh.tools.faults;

/**
 * One send in the ledger: a unique message id, who sent it to whom, its place in the sender's
 * sequence, what the sender learned, when it started (epoch ms) and how long the answer took.
 */
public record Attempt(String id, String sender, String target, long seq, Outcome outcome, String detail,
                      long startedMillis, long tookMillis) {
}
