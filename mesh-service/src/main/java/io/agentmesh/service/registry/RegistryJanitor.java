package io.agentmesh.service.registry;

import java.time.Duration;

/**
 * The leader's registry sweep: agents whose heartbeats stopped for longer than their TTL turn
 * expired; inbox topics of agents deregistered longer ago than the retention are deleted.
 */
public final class RegistryJanitor implements Runnable {

    private final AgentRegistry registry;
    private final Duration inboxRetention;

    public RegistryJanitor(AgentRegistry registry, Duration inboxRetention) {
        this.registry = registry;
        this.inboxRetention = inboxRetention;
    }

    @Override
    public void run() {
        registry.expireOverdue();
        registry.deleteInboxesPastRetention(inboxRetention);
    }
}
