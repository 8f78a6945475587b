package io.agentmesh.tools.faults;

import java.util.List;

/** One scenario's verdict and what it measured along the way. */
public record ScenarioResult(String name, String description, CheckResult check, List<String> notes,
                             List<String> held, List<String> broken, long seconds) {

    /** The ledger's promise holds and so does every expectation of the scenario. */
    public boolean passed() {
        return check.promiseHolds() && broken.isEmpty();
    }
}
