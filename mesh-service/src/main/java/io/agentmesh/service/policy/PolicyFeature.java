package io.agentmesh.service.policy;

import io.agentmesh.service.platform.Platform;

import java.util.Optional;
import java.util.function.Function;

/** Namespace send policies: stored in PostgreSQL, enforced on every agent's send, managed over REST. */
public final class PolicyFeature {

    private final SendPolicies policies;

    public PolicyFeature(Platform p, Function<String, Optional<String>> namespaceOf) {
        this.policies = new SendPolicies(new PolicyDao(p.jdbi(), p.mapper()), namespaceOf);
        p.api(new PolicyResource(policies));
    }

    public SendPolicies policies() {
        return policies;
    }
}
