package io.agentmesh.tools.faults;

import java.util.List;
import java.util.Map;

/**
 * One scenario's verdict and what it measured along the way: {@code check} judges the sends
 * against the inbox topics, {@code paths} each delivery path against what its agent processed.
 */
public record ScenarioResult(String name, String description, CheckResult check, Map<DeliveryPath, CheckResult> paths,
                             List<String> notes, List<String> held, List<String> broken, long seconds) {

    /** Every path keeps its promise and every expectation of the scenario holds. */
    public boolean passed() {
        return paths.entrySet().stream().allMatch(e -> e.getKey().holds(e.getValue())) && broken.isEmpty();
    }
}
