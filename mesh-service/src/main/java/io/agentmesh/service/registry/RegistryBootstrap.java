package io.agentmesh.service.registry;

import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.streams.topics.MeshTopics;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * At start, when the registry topic has never held a record but Postgres knows agents (a new or
 * wiped Kafka cluster under an existing database), writes the agents and their inbox topics to
 * Kafka again, so the router and the database agree from the first message.
 */
public final class RegistryBootstrap implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    private final Admin admin;
    private final MeshTopics topics;
    private final AgentRegistry registry;

    public RegistryBootstrap(Admin admin, MeshTopics topics, AgentRegistry registry) {
        this.admin = admin;
        this.topics = topics;
        this.registry = registry;
    }

    @Override
    public void start() {
        try {
            var description = admin.describeTopics(java.util.List.of(topics.registry())).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topics.registry());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            description.partitions().forEach(p -> latest.put(new TopicPartition(topics.registry(), p.partition()), OffsetSpec.latest()));
            long records = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(i -> i.offset()).sum();
            if (records > 0) {
                return;
            }
            Map<String, Integer> done = registry.republishAll();
            if (done.values().stream().mapToInt(Integer::intValue).sum() > 0) {
                LOG.warn("registry topic {} was empty while Postgres knows agents: rewrote {}", topics.registry(), done);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaFailures.translate(e, "check the registry topic");
        } catch (Exception e) {
            throw KafkaFailures.translate(e, "check the registry topic");
        }
    }
}
