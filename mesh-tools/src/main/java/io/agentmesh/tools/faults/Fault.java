package io.agentmesh.tools.faults;

import io.agentmesh.tools.harness.LocalStack;

import java.util.List;

/**
 * What a scenario does to the stack while the load runs; it records what it measured in
 * {@code notes} and what it expects of the mesh (part of the verdict) in {@code expect}.
 */
@FunctionalInterface
public interface Fault {
    void inject(LocalStack stack, Ledger ledger, List<String> notes, Expectations expect) throws Exception;
}
