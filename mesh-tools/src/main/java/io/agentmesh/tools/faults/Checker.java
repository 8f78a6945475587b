package io.agentmesh.tools.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges a ledger the way Kafka's system tests and Jepsen's Kafka checker do: every message
 * acknowledged (OK) must be received (else <b>lost</b>); a message the mesh refused (FAILED) must
 * not be (else <b>phantom</b>); none may be received twice (<b>duplicates</b>); per (sender,
 * target) the received sequence numbers must rise (<b>order violations</b>); UNKNOWN sends may or
 * may not arrive (those that did not are <b>unseen</b>). Receipts of ids never attempted are
 * <b>unexpected</b>; a receipt in another inbox than the one its message was addressed to is
 * <b>misrouted</b>.
 */
public final class Checker {

    private static final int EXAMPLES = 5;

    private Checker() {
    }

    public static CheckResult check(List<Attempt> tries, List<Receipt> receipts) {
        // a message may be tried more than once (a resend under the same id after an unknown outcome):
        // it was taken if any try was, refused if every try was, else its outcome is unknown
        Map<String, Attempt> byId = new java.util.LinkedHashMap<>();
        int resends = 0;
        for (Attempt a : tries) {
            Attempt before = byId.get(a.id());
            if (before == null) {
                byId.put(a.id(), a);
                continue;
            }
            if (!before.sender().equals(a.sender()) || before.seq() != a.seq() || !before.target().equals(a.target())) {
                throw new IllegalArgumentException("message id " + a.id() + " was used for two messages; ids must be unique");
            }
            resends++;
            byId.put(a.id(), new Attempt(a.id(), a.sender(), a.target(), a.seq(), fold(before.outcome(), a.outcome()),
                    before.detail() + ", then " + a.detail(), before.startedMillis(), before.tookMillis() + a.tookMillis()));
        }
        List<Attempt> attempts = new ArrayList<>(byId.values());
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        List<String> outOfOrder = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> misrouted = new ArrayList<>();
        int misroutedCount = 0;
        int duplicateCount = 0;
        int orderViolations = 0;
        int unexpectedCount = 0;
        for (Receipt r : receipts) {
            int times = seen.merge(r.id(), 1, Integer::sum);
            if (!byId.containsKey(r.id())) {
                unexpectedCount++;
                add(unexpected, r.id());
                continue;
            }
            Attempt sent = byId.get(r.id());
            if (!sent.target().equals(r.target())) {
                misroutedCount++;
                add(misrouted, r.id() + " to " + sent.target() + " found in " + r.target());
            }
            if (times > 1) {
                duplicateCount++;
                add(duplicates, r.id());
                continue;
            }
            String stream = r.sender() + "→" + r.target();
            Long last = lastSeq.get(stream);
            if (last != null && r.seq() < last) {
                orderViolations++;
                add(outOfOrder, r.id() + " after seq " + last);
            }
            lastSeq.merge(stream, r.seq(), Math::max);
        }
        int ok = 0;
        int failed = 0;
        int unknown = 0;
        int lost = 0;
        int phantom = 0;
        int unseen = 0;
        int unknownArrived = 0;
        List<String> lostIds = new ArrayList<>();
        List<String> phantomIds = new ArrayList<>();
        Set<String> received = new HashSet<>(seen.keySet());
        for (Attempt a : attempts) {
            boolean arrived = received.contains(a.id());
            switch (a.outcome()) {
                case OK -> {
                    ok++;
                    if (!arrived) {
                        lost++;
                        add(lostIds, a.id());
                    }
                }
                case FAILED -> {
                    failed++;
                    if (arrived) {
                        phantom++;
                        add(phantomIds, a.id() + " (" + a.detail() + ")");
                    }
                }
                case UNKNOWN -> {
                    unknown++;
                    if (arrived) {
                        unknownArrived++;
                    } else {
                        unseen++;
                    }
                }
            }
        }
        return new CheckResult(attempts.size(), resends, ok, failed, unknown, receipts.size(), lost, phantom, duplicateCount,
                orderViolations, unseen, unknownArrived, unexpectedCount, misroutedCount,
                lostIds, phantomIds, duplicates, outOfOrder, unexpected, misrouted);
    }

    private static Outcome fold(Outcome before, Outcome now) {
        if (before == Outcome.OK || now == Outcome.OK) {
            return Outcome.OK;
        }
        return before == Outcome.FAILED && now == Outcome.FAILED ? Outcome.FAILED : Outcome.UNKNOWN;
    }

    private static void add(List<String> examples, String id) {
        if (examples.size() < EXAMPLES) {
            examples.add(id);
        }
    }
}
