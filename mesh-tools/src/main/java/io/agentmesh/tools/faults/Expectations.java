package io.agentmesh.tools.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * What a scenario expects of the mesh besides the ledger's promise (answers within a bound, the
 * health it reports, the dead letters it writes). Every expectation is part of the verdict: one
 * that does not hold breaks the scenario.
 */
public final class Expectations {

    private final List<String> held = new ArrayList<>();
    private final List<String> broken = new ArrayList<>();

    /** Records {@code claim}, with what was measured, as held or broken. */
    public void expect(boolean holds, String claim, String measured) {
        (holds ? held : broken).add(claim + " (" + measured + ")");
    }

    public List<String> held() {
        return List.copyOf(held);
    }

    public List<String> broken() {
        return List.copyOf(broken);
    }
}
