package io.agentmesh.tools.faults;

import java.util.List;

/** One scenario's verdict and what it measured along the way. */
public record ScenarioResult(String name, String description, CheckResult check, List<String> notes, long seconds) {
}
