package io.agentmesh.service.kafka;

import io.agentmesh.service.config.KafkaSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Whether the topics that hold accepted messages survive one broker failure: with acks=all, an
 * acknowledged record is on min.insync.replicas brokers, so that must be at least 2 and the
 * replication factor above it (at 2 = 2, one broker down stops every write). Reads what the
 * topics really have (a topic made earlier keeps its own settings), not only the configuration.
 */
public final class DurabilityCheck {

    private static final Logger LOG = LoggerFactory.getLogger(DurabilityCheck.class);

    /** One topic's replication as the cluster has it. */
    public record Replication(String topic, int replicas, int minInsync) {

        boolean losesOnOneFailure() {
            return replicas < 2 || minInsync < 2;
        }
    }

    private final Admin admin;
    private final KafkaSettings settings;

    public DurabilityCheck(Admin admin, KafkaSettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /**
     * The replication of each topic (the fewest replicas of any of its partitions). Topics created a
     * moment ago may not be known to the broker that answers yet: asked again for up to 10 s.
     */
    public List<Replication> read(Collection<String> topics) throws Exception {
        long until = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return readOnce(topics);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() - until > 0) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private List<Replication> readOnce(Collection<String> topics) throws Exception {
        long timeout = settings.getSendTimeout().toMilliseconds() * 2;
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(timeout, TimeUnit.MILLISECONDS);
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(timeout, TimeUnit.MILLISECONDS);
        List<Replication> out = new ArrayList<>();
        for (String topic : topics) {
            int replicas = described.get(topic).partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
            ConfigEntry minIsr = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic))
                    .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            out.add(new Replication(topic, replicas, minIsr == null ? 1 : Integer.parseInt(minIsr.value())));
        }
        return out;
    }

    /**
     * Refuses ({@link IllegalStateException}) topics that one broker failure can empty of acknowledged
     * messages, unless the configuration allows it; then it warns. Answers whether all are safe.
     */
    public boolean verify(Collection<String> topics) throws Exception {
        List<Replication> unsafe = read(topics).stream().filter(Replication::losesOnOneFailure).toList();
        if (unsafe.isEmpty()) {
            return true;
        }
        String what = "topics " + unsafe.stream().map(r -> r.topic() + " (replicas " + r.replicas() + ", min.insync.replicas "
                + r.minInsync() + ")").toList() + " can lose acknowledged messages when one broker fails";
        if (!settings.isAllowUnsafeDurability()) {
            throw new IllegalStateException(what + ": run Kafka with 3 brokers and set kafka.replicationFactor: 3, "
                    + "kafka.minInsyncReplicas: 2 (topics made earlier need their replicas and min.insync.replicas "
                    + "raised with kafka-reassign-partitions / kafka-configs), or set kafka.allowUnsafeDurability: true "
                    + "for a development or test cluster");
        }
        LOG.warn("UNSAFE DURABILITY (kafka.allowUnsafeDurability): {}; fine for development, not for production", what);
        return false;
    }
}
