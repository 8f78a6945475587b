package io.agentmesh.service.kafka;

import io.agentmesh.service.config.KafkaSettings;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.streams.topics.MeshTopics;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates the mesh's topics: the core ones at start, an inbox per registered agent. */
public final class TopicAdmin implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private final Admin admin;
    private final MeshTopics topics;
    private final KafkaSettings settings;
    private final TopicBatcher inboxes;

    public TopicAdmin(Admin admin, MeshTopics topics, KafkaSettings settings) {
        this.admin = admin;
        this.topics = topics;
        this.settings = settings;
        this.inboxes = new TopicBatcher(admin);
    }

    @Override
    public void start() {
        short rf = settings.getReplicationFactor();
        int partitions = settings.getIngressPartitions();
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        create(List.of(
                new NewTopic(topics.ingress(), partitions, rf),
                new NewTopic(topics.dlq(), partitions, rf),
                new NewTopic(topics.events(), partitions, rf),
                new NewTopic(topics.registry(), partitions, rf).configs(compacted),
                new NewTopic(topics.health(), partitions, rf).configs(compacted)), "create core topics");
        LOG.info("core topics ready under prefix '{}'", topics.prefix());
    }

    /** Creates the agent's inbox topic if it does not exist yet; returns its name. */
    public String ensureInbox(String agentId) {
        String name = topics.inbox(agentId);
        NewTopic inbox = new NewTopic(name, settings.getInboxPartitions(), settings.getReplicationFactor())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(settings.getInboxRetention().toMilliseconds())));
        KafkaFailures.await(inboxes.create(inbox).orTimeout(settings.getSendTimeout().toMilliseconds() * 2,
                TimeUnit.MILLISECONDS), "create inbox topic " + name);
        return name;
    }

    /** Deletes the agent's inbox topic; true if it existed. */
    public boolean deleteInbox(String agentId) {
        String name = topics.inbox(agentId);
        try {
            admin.deleteTopics(List.of(name)).all().get(settings.getSendTimeout().toMilliseconds() * 2, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw KafkaFailures.translate(e, "delete inbox topic " + name);
        } catch (java.util.concurrent.TimeoutException e) {
            throw KafkaFailures.translate(new org.apache.kafka.common.errors.TimeoutException(e.getMessage()),
                    "delete inbox topic " + name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaFailures.translate(e, "delete inbox topic " + name);
        }
    }

    private void create(List<NewTopic> newTopics, String action) {
        var result = admin.createTopics(newTopics);
        for (var entry : result.values().entrySet()) {
            try {
                entry.getValue().get(settings.getSendTimeout().toMilliseconds() * 2, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw KafkaFailures.translate(e, action);
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw KafkaFailures.translate(new org.apache.kafka.common.errors.TimeoutException(e.getMessage()), action);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KafkaFailures.translate(e, action);
            }
        }
    }

    @Override
    public void stop() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
