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
    private final String maxMessageBytes;
    private volatile boolean safe = true;

    /** {@code maxRecordBytes}: what the topics that carry messages (ingress, inboxes, DLQ) must accept. */
    public TopicAdmin(Admin admin, MeshTopics topics, KafkaSettings settings, int maxRecordBytes) {
        this.admin = admin;
        this.topics = topics;
        this.settings = settings;
        this.inboxes = new TopicBatcher(admin);
        this.maxMessageBytes = Integer.toString(maxRecordBytes + 64 * 1024);
    }

    @Override
    public void start() {
        short rf = settings.getReplicationFactor();
        int partitions = settings.getIngressPartitions();
        Map<String, String> compacted = withMinInsync(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        Map<String, String> messages = withMinInsync(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes));
        create(List.of(
                new NewTopic(topics.ingress(), partitions, rf).configs(messages),
                new NewTopic(topics.dlq(), partitions, rf).configs(messages),
                new NewTopic(topics.events(), partitions, rf).configs(withMinInsync(Map.of())),
                new NewTopic(topics.registry(), partitions, rf).configs(compacted),
                new NewTopic(topics.health(), partitions, rf).configs(compacted),
                new NewTopic(topics.tapDefinitions(), 1, rf).configs(compacted),
                new NewTopic(topics.a2aTaskEvents(), partitions, rf).configs(withMinInsync(Map.of())),
                new NewTopic(topics.a2aTasks(), partitions, rf).configs(withMinInsync(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes)))), "create core topics");
        raiseMessageLimit();
        try {
            safe = new DurabilityCheck(admin, settings).verify(List.of(topics.ingress(), topics.dlq(), topics.events(),
                    topics.registry(), topics.health()));
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw KafkaFailures.translate(e, "read the replication of the core topics");
        }
        new AutoCreateCheck(admin, settings.getSendTimeout().toMilliseconds() * 2).warnIfOn();
        LOG.info("core topics ready under prefix '{}'", topics.prefix());
    }

    /** Whether the core topics survive one broker failure (as found at start). */
    public boolean durable() {
        return safe;
    }

    private Map<String, String> withMinInsync(Map<String, String> configs) {
        Map<String, String> out = new java.util.HashMap<>(configs);
        out.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Short.toString(settings.effectiveMinInsyncReplicas()));
        return out;
    }

    /**
     * Topics made by an earlier version (or by hand) may take less than a payload at the limit:
     * ingress, DLQ and every inbox get {@code max.message.bytes} raised to it, in one call.
     */
    private void raiseMessageLimit() {
        try {
            java.util.Set<String> names = admin.listTopics().names().get(settings.getSendTimeout().toMilliseconds() * 2,
                    TimeUnit.MILLISECONDS);
            Map<org.apache.kafka.common.config.ConfigResource, java.util.Collection<org.apache.kafka.clients.admin.AlterConfigOp>>
                    ops = new java.util.HashMap<>();
            for (String name : names) {
                if (name.equals(topics.ingress()) || name.equals(topics.dlq()) || topics.agentOf(name).isPresent()) {
                    ops.put(new org.apache.kafka.common.config.ConfigResource(
                                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, name),
                            List.of(new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
                                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes),
                                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)));
                }
            }
            if (!ops.isEmpty()) {
                admin.incrementalAlterConfigs(ops).all().get(settings.getSendTimeout().toMilliseconds() * 4,
                        TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            LOG.warn("could not raise max.message.bytes on the message topics (payloads near the limit may be "
                    + "refused by Kafka): {}", e.toString());
        }
    }

    /** Creates the agent's inbox topic if it does not exist yet; returns its name. */
    public String ensureInbox(String agentId) {
        return KafkaFailures.await(createInbox(agentId), "create inbox topic " + topics.inbox(agentId));
    }

    /**
     * Starts creating the agent's inbox topic unless it exists (completes with its name; a failure is
     * Kafka's, for {@link KafkaFailures#translate}); inboxes asked for together go out in one request.
     */
    public java.util.concurrent.CompletableFuture<String> createInbox(String agentId) {
        String name = topics.inbox(agentId);
        NewTopic inbox = new NewTopic(name, settings.getInboxPartitions(), settings.getReplicationFactor())
                .configs(withMinInsync(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(settings.getInboxRetention().toMilliseconds()),
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes)));
        return inboxes.create(inbox).orTimeout(settings.getSendTimeout().toMilliseconds() * 2, TimeUnit.MILLISECONDS)
                .thenApply(v -> name);
    }

    /** The Kafka topic id of {@code topic}: it changes when the topic is created again (or on another cluster). */
    public String topicId(String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(settings.getSendTimeout().toMilliseconds() * 2, TimeUnit.MILLISECONDS).get(topic).topicId().toString();
        } catch (ExecutionException e) {
            throw KafkaFailures.translate(e, "describe topic " + topic);
        } catch (java.util.concurrent.TimeoutException e) {
            throw KafkaFailures.translate(new org.apache.kafka.common.errors.TimeoutException(e.getMessage()),
                    "describe topic " + topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaFailures.translate(e, "describe topic " + topic);
        }
    }

    /** Deletes the agent's inbox topic; true if it existed. */
    public boolean deleteInbox(String agentId) {
        return deleteTopic(topics.inbox(agentId));
    }

    /** Deletes a topic; true if it existed. */
    public boolean deleteTopic(String name) {
        try {
            admin.deleteTopics(List.of(name)).all().get(settings.getSendTimeout().toMilliseconds() * 2, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw KafkaFailures.translate(e, "delete topic " + name);
        } catch (java.util.concurrent.TimeoutException e) {
            throw KafkaFailures.translate(new org.apache.kafka.common.errors.TimeoutException(e.getMessage()),
                    "delete topic " + name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaFailures.translate(e, "delete topic " + name);
        }
    }

    /** Creates a tap's topic if it does not exist yet, with its retention. */
    public void ensureTap(String name, int partitions, long retentionMs) {
        create(List.of(new NewTopic(name, partitions, settings.getReplicationFactor()).configs(withMinInsync(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs))))), "create tap topic " + name);
    }

    /** Sets a topic's retention. */
    public void retain(String name, long retentionMs) {
        var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, name);
        var op = new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs)), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET);
        try {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all()
                    .get(settings.getSendTimeout().toMilliseconds() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw KafkaFailures.translate(e, "set the retention of " + name);
        } catch (java.util.concurrent.TimeoutException e) {
            throw KafkaFailures.translate(new org.apache.kafka.common.errors.TimeoutException(e.getMessage()),
                    "set the retention of " + name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaFailures.translate(e, "set the retention of " + name);
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
