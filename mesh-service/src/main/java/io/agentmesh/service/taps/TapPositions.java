package io.agentmesh.service.taps;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where the taps application starts reading: never before the oldest live tap began. A group's
 * positions that lie before that moment (the application was stopped while no tap existed) are
 * moved up to it, so the application does not read traffic no tap takes; positions past it stand,
 * so nothing a live tap takes is skipped. Only an empty group can be moved: where the application
 * already runs on another node, its positions are current and stand.
 */
public final class TapPositions {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.taps");
    private static final long TIMEOUT_S = 30;

    private final Admin admin;
    private final String group;
    private final List<String> topics;

    public TapPositions(Admin admin, String group, List<String> topics) {
        this.admin = admin;
        this.group = group;
        this.topics = List.copyOf(topics);
    }

    /** Moves the group's positions that lie before {@code from} up to the first record at or after it; the number moved. */
    public int advanceTo(Instant from) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> byTime = new HashMap<>();
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> {
                TopicPartition tp = new TopicPartition(d.name(), p.partition());
                byTime.put(tp, OffsetSpec.forTimestamp(from.toEpochMilli()));
                ends.put(tp, OffsetSpec.latest());
            });
        }
        ListOffsetsOptions committedOnly = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> atTime =
                admin.listOffsets(byTime, committedOnly).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> atEnd =
                admin.listOffsets(ends, committedOnly).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> moves = new HashMap<>();
        for (TopicPartition tp : byTime.keySet()) {
            long first = atTime.get(tp).offset();
            // no record at or after the moment: everything there is older, start at the end
            long target = first < 0 ? atEnd.get(tp).offset() : first;
            OffsetAndMetadata at = committed.get(tp);
            if (at == null || at.offset() < target) {
                moves.put(tp, new OffsetAndMetadata(target));
            }
        }
        if (moves.isEmpty()) {
            return 0;
        }
        try {
            admin.alterConsumerGroupOffsets(group, moves).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupNotEmptyException || e.getCause() instanceof UnknownMemberIdException) {
                LOG.info("the taps application runs on another node; its positions stand");
                return 0;
            }
            throw e;
        }
        LOG.info("taps application: {} positions moved up to {}, when the oldest live tap began", moves.size(), from);
        return moves.size();
    }
}
