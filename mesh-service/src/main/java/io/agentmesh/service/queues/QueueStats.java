package io.agentmesh.service.queues;

import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Sizes and backlogs of the mesh's topics, from the broker: per topic the records it holds (end
 * minus start offset, transaction markers included) and the lag of whoever consumes it (the router
 * group on ingress, consumer group = agent id on each inbox), plus the retries the local router holds.
 */
public final class QueueStats {

    private final Admin admin;
    private final MeshTopics topics;
    private final String routerGroup;
    private final LongSupplier pendingRetries;

    public QueueStats(Admin admin, MeshTopics topics, String routerGroup, LongSupplier pendingRetries) {
        this.admin = admin;
        this.topics = topics;
        this.routerGroup = routerGroup;
        this.pendingRetries = pendingRetries;
    }

    public record TopicStats(String topic, String kind, int partitions, long messages, long endOffset,
                             String consumerGroup, Long lag) {
    }

    public record Snapshot(List<TopicStats> topics, long routerLag, long pendingRetries, long dlqSize, long inboxBacklog) {
        /** Messages accepted but not yet processed by their final reader. */
        public long depth() {
            return routerLag + pendingRetries + inboxBacklog;
        }
    }

    public Snapshot snapshot() {
        try {
            List<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(topics.prefix())).sorted().toList();
            var described = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            described.forEach((name, d) -> d.partitions().forEach(p -> {
                latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(name, p.partition()), OffsetSpec.earliest());
            }));
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);

            Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
            groups.put(routerGroup, new ListConsumerGroupOffsetsSpec().topicPartitions(partitionsOf(described, topics.ingress())));
            for (String name : names) {
                topics.agentOf(name).ifPresent(agent ->
                        groups.put(agent, new ListConsumerGroupOffsetsSpec().topicPartitions(partitionsOf(described, name))));
            }
            var committed = admin.listConsumerGroupOffsets(groups);

            List<TopicStats> out = new ArrayList<>();
            long routerLag = 0;
            long inboxBacklog = 0;
            long dlqSize = 0;
            for (String name : names) {
                List<TopicPartition> parts = partitionsOf(described, name);
                long end = parts.stream().mapToLong(tp -> ends.get(tp).offset()).sum();
                long start = parts.stream().mapToLong(tp -> starts.get(tp).offset()).sum();
                String group = name.equals(topics.ingress()) ? routerGroup : topics.agentOf(name).orElse(null);
                Long lag = null;
                if (group != null) {
                    Map<TopicPartition, OffsetAndMetadata> done = committed.partitionsToOffsetAndMetadata(group)
                            .get(10, TimeUnit.SECONDS);
                    long l = 0;
                    for (TopicPartition tp : parts) {
                        OffsetAndMetadata at = done.get(tp);
                        l += ends.get(tp).offset() - Math.max(starts.get(tp).offset(), at == null ? 0 : at.offset());
                    }
                    lag = Math.max(0, l);
                }
                String kind = kind(name);
                if (kind.equals("ingress")) {
                    routerLag = lag == null ? 0 : lag;
                } else if (kind.equals("inbox")) {
                    inboxBacklog += lag == null ? 0 : lag;
                } else if (kind.equals("dlq")) {
                    dlqSize = end - start;
                }
                out.add(new TopicStats(name, kind, parts.size(), end - start, end, group, lag));
            }
            return new Snapshot(out, routerLag, pendingRetries.getAsLong(), dlqSize, inboxBacklog);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaFailures.translate(e, "read queue statistics");
        } catch (Exception e) {
            throw KafkaFailures.translate(e, "read queue statistics");
        }
    }

    private String kind(String name) {
        if (name.equals(topics.ingress())) {
            return "ingress";
        }
        if (name.equals(topics.dlq())) {
            return "dlq";
        }
        if (name.equals(topics.events())) {
            return "events";
        }
        if (name.equals(topics.registry())) {
            return "registry";
        }
        if (name.equals(topics.health())) {
            return "health";
        }
        return topics.agentOf(name).isPresent() ? "inbox" : "other";
    }

    private static List<TopicPartition> partitionsOf(Map<String, org.apache.kafka.clients.admin.TopicDescription> described,
                                                     String topic) {
        var d = described.get(topic);
        if (d == null) {
            return List.of();
        }
        return d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** Per-topic totals keyed by topic name, for callers that want a map. */
    public static Map<String, TopicStats> byTopic(Snapshot s) {
        Map<String, TopicStats> m = new TreeMap<>();
        s.topics().forEach(t -> m.put(t.topic(), t));
        return m;
    }
}
