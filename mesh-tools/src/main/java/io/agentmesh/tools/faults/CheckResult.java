package io.agentmesh.tools.faults;

import java.util.List;

/** The checker's verdict on one scenario's ledger, with a few example ids of each anomaly. */
public record CheckResult(int attempts, int resends, int ok, int failed, int unknown, int received,
                          int lost, int phantom, int duplicates, int orderViolations, int unseen, int unknownArrived,
                          int unexpected, int misrouted,
                          List<String> lostExamples, List<String> phantomExamples, List<String> duplicateExamples,
                          List<String> orderExamples, List<String> unexpectedExamples, List<String> misroutedExamples) {

    /** The promise: nothing acknowledged lost, nothing refused delivered, nothing twice, order kept, each where it was sent. */
    public boolean promiseHolds() {
        return lost == 0 && phantom == 0 && duplicates == 0 && orderViolations == 0 && unexpected == 0 && misrouted == 0;
    }

    public String summary() {
        return String.format("%d sent (%d resends): %d ok, %d failed, %d unknown; %d received; lost %d, phantom %d, duplicates %d,"
                        + " order violations %d, misrouted %d, unknown arrived %d, unseen %d%s",
                attempts, resends, ok, failed, unknown, received, lost, phantom, duplicates, orderViolations, misrouted, unknownArrived,
                unseen, unexpected == 0 ? "" : ", unexpected " + unexpected)
                + (misroutedExamples.isEmpty() ? "" : "; misrouted e.g. " + misroutedExamples)
                + (lostExamples.isEmpty() ? "" : "; lost e.g. " + lostExamples)
                + (phantomExamples.isEmpty() ? "" : "; phantom e.g. " + phantomExamples)
                + (duplicateExamples.isEmpty() ? "" : "; duplicates e.g. " + duplicateExamples)
                + (orderExamples.isEmpty() ? "" : "; out of order e.g. " + orderExamples);
    }
}
