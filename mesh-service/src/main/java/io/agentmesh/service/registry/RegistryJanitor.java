package io.agentmesh.service.registry;

import io.agentmesh.service.db.PostgresFailures;
import io.agentmesh.service.kafka.TopicAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The leader's registry sweep: agents whose heartbeats stopped for longer than their TTL turn
 * expired; inbox topics of agents deregistered longer ago than the retention are deleted.
 */
public final class RegistryJanitor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    private final AgentRegistry registry;
    private final AgentDao dao;
    private final TopicAdmin topicAdmin;
    private final Duration inboxRetention;

    public RegistryJanitor(AgentRegistry registry, AgentDao dao, TopicAdmin topicAdmin, Duration inboxRetention) {
        this.registry = registry;
        this.dao = dao;
        this.topicAdmin = topicAdmin;
        this.inboxRetention = inboxRetention;
    }

    @Override
    public void run() {
        registry.expireOverdue();
        for (String id : PostgresFailures.call(() -> dao.inboxesPastRetention(inboxRetention.toMillis()))) {
            boolean existed = topicAdmin.deleteInbox(id);
            if (!PostgresFailures.call(() -> dao.markInboxDeleted(id))) {
                // registered again meanwhile: it needs its inbox back
                topicAdmin.ensureInbox(id);
                continue;
            }
            LOG.info("agent {} deregistered more than {} ago: inbox topic {}", id, inboxRetention,
                    existed ? "deleted" : "was already gone");
        }
    }
}
