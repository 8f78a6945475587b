package io.agentmesh.service.delivery;

import io.agentmesh.service.common.BoundedGate;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.registry.AgentActivity;
import io.agentmesh.service.registry.AgentLiveness;
import org.apache.kafka.common.KafkaException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Long-poll receive: the unacknowledged messages of an agent's inbox, waiting a while for the
 * first, with the position to acknowledge once they are processed. Reading never commits, so the
 * same messages come back until acknowledged.
 */
public final class LongPoll {

    private static final Duration MIN_FIRST_FETCH = Duration.ofMillis(500);
    private static final long ROUND_NANOS = 250_000_000L;

    private final InboxReader reader;
    private final InboxSessions sessions;
    private final BoundedGate gate;
    private final DeliveryEvents deliveries;
    private final AgentActivity activity;

    public LongPoll(InboxReader reader, InboxSessions sessions, BoundedGate gate, DeliveryEvents deliveries,
                    AgentActivity activity) {
        this.reader = reader;
        this.sessions = sessions;
        this.gate = gate;
        this.deliveries = deliveries;
        this.activity = activity;
    }

    /** Messages, and per partition the next offset to acknowledge (passed-over acked ones included). */
    public record Result(List<InboxRecord> records, Map<Integer, Long> ack) {
    }

    /** Up to {@code max} unacknowledged messages, waiting up to {@code wait} for the first. */
    public Result poll(String agentId, int max, Duration wait) throws Exception {
        sessions.requireReadable(agentId);
        activity.touch(agentId, AgentLiveness.REST);
        try (AutoCloseable permit = gate.enter(); InboxCursor cursor = reader.open(agentId, max)) {
            Map<Integer, Long> ack = new TreeMap<>();
            long deadline = System.nanoTime() + Math.max(wait.toNanos(), MIN_FIRST_FETCH.toNanos());
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                InboxCursor.Batch batch = cursor.poll(Duration.ofNanos(Math.min(left, ROUND_NANOS)));
                ack.putAll(batch.next());
                if (!batch.records().isEmpty()) {
                    sessions.handedOut(agentId, ack);
                    deliveries.delivered(agentId, "long-poll", batch.records());
                    return new Result(batch.records(), ack);
                }
            }
            // messages acked out of order were passed over: the answer's ack position covers them
            sessions.handedOut(agentId, ack);
            return new Result(List.of(), ack);
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "read inbox of " + agentId);
        }
    }

    /**
     * Moves the agent's acknowledged position forward (long-poll and gRPC Ack); 409 while a Connect
     * stream or a Kafka consumer of the agent's group owns the inbox. {@code via}: rest or grpc.
     * {@code skip}: the caller means to pass over messages it was never given.
     */
    public Map<Integer, Long> ack(String agentId, Map<Integer, Long> offsets, String via, boolean skip) {
        Map<Integer, Long> committed = sessions.ack(agentId, offsets, skip);
        activity.touch(agentId, via);
        deliveries.ackedUpTo(agentId, via, committed);
        return committed;
    }
}
