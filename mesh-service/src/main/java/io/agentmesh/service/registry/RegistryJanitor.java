package io.agentmesh.service.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The leader's registry sweep: agents whose own Kafka consumer shows life count as seen; agents
 * not seen for longer than their TTL turn expired; inbox topics of agents deregistered longer ago
 * than the retention are deleted.
 */
public final class RegistryJanitor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    private final AgentRegistry registry;
    private final AgentLiveness liveness;
    private final KafkaLiveness kafka;
    private final Duration inboxRetention;

    public RegistryJanitor(AgentRegistry registry, AgentLiveness liveness, KafkaLiveness kafka, Duration inboxRetention) {
        this.registry = registry;
        this.liveness = liveness;
        this.kafka = kafka;
        this.inboxRetention = inboxRetention;
    }

    @Override
    public void run() {
        try {
            List<String> present = registry.presentIds();
            Set<String> alive = kafka.alive(present);
            liveness.seen(alive, AgentLiveness.KAFKA);
        } catch (Exception e) {
            LOG.warn("Kafka consumer groups not read this sweep (agents reading Kafka directly may expire): {}",
                    e.toString());
        }
        liveness.expireOverdue();
        registry.deleteInboxesPastRetention(inboxRetention);
    }
}
