package io.agentmesh.tools.faults;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every send attempt, every record the verifier saw in the inboxes, and every message each
 * path's agent processed; appended from many threads.
 */
public final class Ledger {

    private final List<Attempt> attempts = new ArrayList<>();
    private final Map<DeliveryPath, List<Receipt>> receipts = new EnumMap<>(DeliveryPath.class);

    public Ledger() {
        for (DeliveryPath p : DeliveryPath.values()) {
            receipts.put(p, new ArrayList<>());
        }
    }

    public synchronized void attempted(Attempt a) {
        attempts.add(a);
    }

    /** A record the verifier read from an inbox topic. */
    public void received(Receipt r) {
        processed(DeliveryPath.INBOX, r);
    }

    /** A message the agent of {@code path} processed (before it acknowledged it). */
    public synchronized void processed(DeliveryPath path, Receipt r) {
        receipts.get(path).add(r);
    }

    public synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** What the verifier read from the inboxes. */
    public List<Receipt> receipts() {
        return receipts(DeliveryPath.INBOX);
    }

    public synchronized List<Receipt> receipts(DeliveryPath path) {
        return List.copyOf(receipts.get(path));
    }

    /** The receipts of {@code path} from index {@code from} on (those that came since {@code from} were seen). */
    public synchronized List<Receipt> receiptsSince(DeliveryPath path, int from) {
        List<Receipt> all = receipts.get(path);
        return from >= all.size() ? List.of() : List.copyOf(all.subList(from, all.size()));
    }

    /** All receipts of every path, counted: changes while anything is still arriving. */
    public synchronized int receivedCount() {
        return receipts.values().stream().mapToInt(List::size).sum();
    }
}
