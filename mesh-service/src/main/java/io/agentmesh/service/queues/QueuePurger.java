package io.agentmesh.service.queues;

import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Deletes records older than a cutoff with Kafka's deleteRecords, from inboxes, the DLQ and the
 * events topic. Never from mesh.ingress (records there may not be routed yet) nor the compacted
 * registry and health topics. Unacknowledged inbox messages older than the cutoff go too: that is
 * what a purge is for.
 */
public final class QueuePurger {

    public static final Set<String> PURGEABLE = Set.of("inboxes", "dlq", "events");
    private static final Logger LOG = LoggerFactory.getLogger(QueuePurger.class);

    private final Admin admin;
    private final MeshTopics topics;
    private final Clock clock;

    public QueuePurger(Admin admin, MeshTopics topics, Clock clock) {
        this.admin = admin;
        this.topics = topics;
        this.clock = clock;
    }

    public record Result(@com.fasterxml.jackson.annotation.JsonProperty("cutoff") String cutoff,
                         @com.fasterxml.jackson.annotation.JsonProperty("dry_run") boolean dryRun,
                         @com.fasterxml.jackson.annotation.JsonProperty("removed") long removed,
                         @com.fasterxml.jackson.annotation.JsonProperty("removed_per_topic") Map<String, Long> removedPerTopic) {
    }

    public Result purge(Duration olderThan, Set<String> kinds, boolean dryRun) {
        if (olderThan.isNegative() || olderThan.isZero()) {
            throw MeshException.invalidField("older_than", "must be positive");
        }
        long cutoff = clock.millis() - olderThan.toMillis();
        try {
            List<String> chosen = admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
                    .filter(t -> chosen(t, kinds)).sorted().toList();
            if (chosen.isEmpty()) {
                return new Result(java.time.Instant.ofEpochMilli(cutoff).toString(), dryRun, 0, Map.of());
            }
            var described = admin.describeTopics(chosen).allTopicNames().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> atCutoff = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            described.forEach((name, d) -> d.partitions().forEach(p -> {
                TopicPartition tp = new TopicPartition(name, p.partition());
                atCutoff.put(tp, OffsetSpec.forTimestamp(cutoff));
                earliest.put(tp, OffsetSpec.earliest());
                latest.put(tp, OffsetSpec.latest());
            }));
            var cut = admin.listOffsets(atCutoff).all().get(10, TimeUnit.SECONDS);
            var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, RecordsToDelete> deletes = new HashMap<>();
            Map<String, Long> removed = new TreeMap<>();
            for (TopicPartition tp : atCutoff.keySet()) {
                long firstKept = cut.get(tp).offset() < 0 ? ends.get(tp).offset() : cut.get(tp).offset();
                long start = starts.get(tp).offset();
                if (firstKept > start) {
                    deletes.put(tp, RecordsToDelete.beforeOffset(firstKept));
                    removed.merge(tp.topic(), firstKept - start, Long::sum);
                }
            }
            if (!dryRun && !deletes.isEmpty()) {
                admin.deleteRecords(deletes).all().get(30, TimeUnit.SECONDS);
                LOG.warn("purged {} records older than {} from {} topics", removed.values().stream().mapToLong(Long::longValue).sum(),
                        java.time.Instant.ofEpochMilli(cutoff), removed.size());
            }
            return new Result(java.time.Instant.ofEpochMilli(cutoff).toString(), dryRun,
                    removed.values().stream().mapToLong(Long::longValue).sum(), new LinkedHashMap<>(removed));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaFailures.translate(e, "purge");
        } catch (Exception e) {
            throw KafkaFailures.translate(e, "purge");
        }
    }

    private boolean chosen(String topic, Set<String> kinds) {
        return (kinds.contains("inboxes") && topics.agentOf(topic).isPresent())
                || (kinds.contains("dlq") && topic.equals(topics.dlq()))
                || (kinds.contains("events") && topic.equals(topics.events()));
    }
}
