package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.Envelope;
import io.agentmesh.streams.envelope.EnvelopeReader;
import io.agentmesh.streams.envelope.InvalidEnvelopeException;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryIndex;
import io.agentmesh.streams.registry.RegistryTable;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Routes one ingress record: validate the envelope, drop duplicates, resolve the target, then
 * forward a copy to each target inbox, park the message until its target can take it, or
 * dead-letter it. Parked messages cost nothing while they wait: a wall-clock punctuator checks
 * each waiting target once per backoff step, releases a target's messages in order the moment a
 * registry or health change makes it routable, and gives up on a message (MAX_ATTEMPTS or EXPIRED)
 * only when its own deadline passes. Never throws for a bad record, so one poison record cannot
 * stop the topology.
 */
final class RouterProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.routing");

    private final RouterPolicy policy;
    private final RoutingListener listener;
    private final LoadView load;
    private final RegistryIndex index;
    private final InboxPreparer inboxes;
    private ProcessorContext<byte[], byte[]> context;
    private DedupeStore dedupe;
    private TargetResolver resolver;
    private WaitingRoom waiting;

    RouterProcessor(RouterPolicy policy, RoutingListener listener, LoadView load, RegistryIndex index,
                    InboxPreparer inboxes) {
        this.policy = policy;
        this.inboxes = inboxes;
        this.listener = listener;
        this.load = load;
        this.index = index;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.dedupe = new DedupeStore(context.getStateStore(DedupeStore.NAME), policy.dedupeWindow());
        index.loadOnce(context.getStateStore(RegistryTable.STORE), context.getStateStore(RegistryTable.HEALTH_STORE));
        this.resolver = new TargetResolver(index, new AgentSelector(context.getStateStore(RouterTopology.ROUND_ROBIN_STORE),
                load, context.taskId().partition()));
        RetryStore retries = new RetryStore(context.getStateStore(RetryStore.MESSAGES),
                context.getStateStore(RetryStore.TARGETS), context.getStateStore(RetryStore.LANES),
                context.getStateStore(RetryStore.CHECKS), context.getStateStore(RetryStore.DEADLINES));
        this.waiting = new WaitingRoom(policy, listener, index, resolver, retries, new WaitingRoom.Outlet() {
            @Override
            public void deliver(ParkedRecord r, Envelope envelope, List<RegistryEntry> agents, int attempt, long now) {
                RouterProcessor.this.deliver(r, envelope, agents, attempt, now);
            }

            @Override
            public void settleDead(ParkedRecord r, Envelope envelope, DeadLetters.Failure failure) {
                RouterProcessor.this.settleDead(r, envelope, failure);
            }

            @Override
            public void event(String id, byte[] json, long now) {
                RouterProcessor.this.event(id, json, now);
            }
        });
        waiting.parkLegacy(RetryStore.drainLegacy(context.getStateStore(RetryStore.LEGACY_QUEUE),
                context.getStateStore(RetryStore.LEGACY_KEYS), context.getStateStore(RetryStore.LEGACY_DUE)),
                context.currentSystemTimeMs());
        context.schedule(policy.retryTick(), PunctuationType.WALL_CLOCK_TIME, waiting::punctuate);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        long now = context.currentSystemTimeMs();
        Envelope envelope;
        try {
            envelope = EnvelopeReader.read(record.headers(), record.value());
        } catch (InvalidEnvelopeException e) {
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), null, null,
                    new DeadLetters.Failure(DeadLetterReason.INVALID_ENVELOPE, e.getMessage(), 1, origin(), now, now, null));
            return;
        }
        if (envelope.payloadBytes() > policy.maxPayloadBytes()) {
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), envelope.id(), envelope,
                    new DeadLetters.Failure(DeadLetterReason.PAYLOAD_TOO_LARGE, envelope.payloadBytes() + " bytes > limit "
                            + policy.maxPayloadBytes(), 1, origin(), now, now, null));
            return;
        }
        String dedupeId = dedupeId(envelope, record.headers());
        if (dedupe.seen(envelope.from(), dedupeId, record.timestamp())) {
            LOG.debug("duplicate message {} dropped", envelope.id());
            listener.onDuplicate(envelope.id());
            event(envelope.id(), MessageEvents.deduplicated(envelope, routingKey(record.key(), envelope), record.timestamp(), now), now);
            return;
        }
        dedupe.remember(envelope.from(), dedupeId, record.timestamp());
        String target = envelope.target().toString();
        ParkedRecord fresh = new ParkedRecord(record.key(), record.value(), record.headers(), record.timestamp(),
                routingKey(record.key(), envelope), now, null, null, origin(), 0, 0, false, 0);
        if (waiting.isWaiting(target, fresh.routingKey())) {
            // an earlier message of this key waits for this target: keep the order by waiting behind it
            waiting.park(target, fresh, envelope, now, null);
            return;
        }
        attemptFirst(target, fresh, envelope, now);
    }

    /** A message's first attempt: routed, dead-lettered, or parked until its target can take it. */
    private void attemptFirst(String target, ParkedRecord r, Envelope envelope, long now) {
        if (envelope.expiredAt(now)) {
            settleDead(r, envelope, new DeadLetters.Failure(DeadLetterReason.EXPIRED, "expired at " + envelope.expiresAt(),
                    0, r.origin(), now, now, null));
            return;
        }
        TargetResolver.Resolution resolution = resolver.resolve(envelope.target(), policy.strategyFor(envelope), r.key());
        TargetResolver.NoRoute why = resolution.noRoute();
        if (why == null) {
            deliver(r, envelope, resolution.agents(), 1, now);
        } else if (!why.retry() || policy.maxAttemptsFor(envelope) <= 1) {
            settleDead(r, envelope, new DeadLetters.Failure(why.reason(), why.error(), 1, r.origin(), now, now, null));
        } else {
            waiting.park(target, r, envelope, now, why);
        }
    }

    private void deliver(ParkedRecord r, Envelope envelope, List<RegistryEntry> agents, int attempt, long now) {
        if (agents.size() > 1) {
            inboxes.prepare(agents.stream().map(RegistryEntry::id).toList());
        }
        for (RegistryEntry agent : agents) {
            RecordHeaders headers = new RecordHeaders(r.headers().toArray());
            set(headers, MeshHeaders.TARGET, agent.id());
            set(headers, MeshHeaders.DELIVERY, envelope.id() + "/" + agent.id());
            if (attempt > 1) {
                set(headers, MeshHeaders.ATTEMPT, Integer.toString(attempt));
            }
            context.forward(new Record<>(r.key(), r.value(), r.timestamp(), headers), RouterTopology.INBOX_SINK);
            listener.onRouted(envelope.id(), agent.id(), r.timestamp());
        }
        event(envelope.id(), MessageEvents.routed(envelope, r.routingKey(),
                agents.stream().map(RegistryEntry::id).toList(), attempt, r.timestamp(), now), now);
        LOG.debug("message {} routed to {} (attempt {})", envelope.id(), agents.size() == 1 ? agents.get(0).id() : agents.size() + " agents", attempt);
    }

    private void settleDead(ParkedRecord r, Envelope envelope, DeadLetters.Failure failure) {
        // a dead-lettered id is forgotten, so it can be sent (or replayed) again
        dedupe.forget(envelope.from(), dedupeId(envelope, r.headers()), r.timestamp());
        deadLetter(r.key(), r.value(), r.headers(), r.timestamp(), envelope.id(), envelope, failure);
    }

    private void deadLetter(byte[] key, byte[] value, Headers original, long timestamp, String messageId,
                            Envelope envelope, DeadLetters.Failure failure) {
        long now = context.currentSystemTimeMs();
        Headers headers = DeadLetters.headers(original, failure, now);
        // the dead letter's time is when it was dead-lettered (retention and the operators' time filters
        // go by it); the message's own time stays in its ce_time header
        RouterSpans.deadLetter(original, messageId, failure.reason().name(),
                () -> context.forward(new Record<>(key, value, now, headers), RouterTopology.DLQ_SINK));
        listener.onDeadLetter(messageId, failure.reason());
        if (envelope != null) {
            event(messageId, MessageEvents.deadLettered(envelope, routingKey(key, envelope),
                    failure.reason(), failure.error(), failure.attempts(), timestamp, now), now);
        }
        LOG.info("message {} dead-lettered: {} ({})", messageId, failure.reason(), failure.error());
    }

    private void event(String id, byte[] json, long now) {
        context.forward(new Record<>(MessageEvents.key(id), json, now), RouterTopology.EVENTS_SINK);
    }

    /**
     * What the window remembers a message by: its id; for a replayed dead letter its replay (a push
     * dead letter's id is still in the window from its first delivery, and the replay must arrive).
     */
    static String dedupeId(Envelope envelope, Headers headers) {
        org.apache.kafka.common.header.Header replay = headers.lastHeader(MeshHeaders.REPLAY);
        return replay == null ? envelope.id()
                : envelope.id() + "\nreplay:" + new String(replay.value(), StandardCharsets.UTF_8);
    }

    static String routingKey(byte[] key, Envelope envelope) {
        return key == null ? envelope.id() : new String(key, StandardCharsets.UTF_8);
    }

    private static void set(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private String origin() {
        return context.recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("unknown");
    }
}
