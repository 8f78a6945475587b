package io.agentmesh.tools.faults;

import java.util.ArrayList;
import java.util.List;

/** Every send attempt and every record the verifier saw, appended from many threads. */
public final class Ledger {

    private final List<Attempt> attempts = new ArrayList<>();
    private final List<Receipt> receipts = new ArrayList<>();

    public synchronized void attempted(Attempt a) {
        attempts.add(a);
    }

    public synchronized void received(Receipt r) {
        receipts.add(r);
        notifyAll();
    }

    public synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    public synchronized List<Receipt> receipts() {
        return List.copyOf(receipts);
    }

    public synchronized int receivedCount() {
        return receipts.size();
    }
}
