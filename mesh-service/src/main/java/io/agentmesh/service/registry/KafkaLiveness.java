package io.agentmesh.service.registry;

import io.agentmesh.service.kafka.InboxCommits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Agents that read their own topic with a Kafka client are alive without ever calling the
 * heartbeat endpoint: their consumer group (group id = agent id) has members, or someone other than
 * the mesh committed offsets since the last look. Two Admin calls per sweep, whatever the number
 * of agents: one lists the groups with their states, one fetches the committed offsets of the
 * groups without members.
 */
public final class KafkaLiveness {

    private static final Set<GroupState> MEMBERS = Set.of(GroupState.STABLE, GroupState.PREPARING_REBALANCE,
            GroupState.COMPLETING_REBALANCE, GroupState.ASSIGNING, GroupState.RECONCILING);
    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;
    /** Per agent, what its own commits looked like at the last sweep. */
    private final Map<String, Map<TopicPartition, Long>> lastCommits = new HashMap<>();

    public KafkaLiveness(Admin admin) {
        this.admin = admin;
    }

    /** Of {@code agentIds}, those whose own Kafka consumer showed life since the last sweep. */
    public synchronized Set<String> alive(Collection<String> agentIds) throws Exception {
        Set<String> wanted = new HashSet<>(agentIds);
        Set<String> alive = new HashSet<>();
        Set<String> known = new HashSet<>();
        for (GroupListing g : admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            if (!wanted.contains(g.groupId())) {
                continue;
            }
            known.add(g.groupId());
            if (g.groupState().map(MEMBERS::contains).orElse(false)) {
                alive.add(g.groupId());
            }
        }
        Map<String, ListConsumerGroupOffsetsSpec> quiet = new HashMap<>();
        for (String id : known) {
            if (!alive.contains(id)) {
                quiet.put(id, new ListConsumerGroupOffsetsSpec());
            }
        }
        if (!quiet.isEmpty()) {
            Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets = admin.listConsumerGroupOffsets(quiet).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            offsets.forEach((id, committed) -> {
                Map<TopicPartition, Long> own = new HashMap<>();
                committed.forEach((tp, at) -> {
                    if (at != null && !InboxCommits.isMeshCommit(at.metadata())) {
                        own.put(tp, at.offset());
                    }
                });
                Map<TopicPartition, Long> before = lastCommits.put(id, own);
                if (before != null && !own.isEmpty() && !own.equals(before)) {
                    alive.add(id);
                }
            });
        }
        lastCommits.keySet().retainAll(wanted);
        return alive;
    }
}
