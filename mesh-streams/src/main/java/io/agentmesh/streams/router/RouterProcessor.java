package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.Envelope;
import io.agentmesh.streams.envelope.EnvelopeReader;
import io.agentmesh.streams.envelope.InvalidEnvelopeException;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.registry.RegistryEntry;
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
 * Routes one ingress record: validate the envelope, drop duplicates, resolve the target against
 * the registry, then forward a copy to each target inbox, park the message for a retry with
 * backoff, or dead-letter it. A wall-clock punctuator releases due retries. Never throws for a bad
 * record, so one poison record cannot stop the topology.
 */
final class RouterProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.routing");

    private final RouterPolicy policy;
    private final RoutingListener listener;
    private final LoadView load;
    private ProcessorContext<byte[], byte[]> context;
    private DedupeStore dedupe;
    private TargetResolver resolver;
    private RetryStore retries;

    RouterProcessor(RouterPolicy policy, RoutingListener listener, LoadView load) {
        this.policy = policy;
        this.listener = listener;
        this.load = load;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.dedupe = new DedupeStore(context.getStateStore(DedupeStore.NAME), policy.dedupeWindow());
        this.resolver = new TargetResolver(context.getStateStore(RegistryTable.STORE),
                context.getStateStore(RegistryTable.HEALTH_STORE),
                new AgentSelector(context.getStateStore(RouterTopology.ROUND_ROBIN_STORE), load,
                        context.taskId().partition()));
        this.retries = new RetryStore(context.getStateStore(RetryStore.QUEUE), context.getStateStore(RetryStore.KEYS),
                context.getStateStore(RetryStore.DUE));
        context.schedule(policy.retryTick(), PunctuationType.WALL_CLOCK_TIME, this::releaseDue);
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
        if (dedupe.seen(envelope.id(), record.timestamp())) {
            LOG.debug("duplicate message {} dropped", envelope.id());
            listener.onDuplicate(envelope.id());
            event(envelope.id(), MessageEvents.deduplicated(envelope.id(), envelope.target().toString(), record.timestamp(), now), now);
            return;
        }
        dedupe.remember(envelope.id(), record.timestamp());
        String routingKey = routingKey(record.key(), envelope);
        ParkedRecord fresh = new ParkedRecord(record.key(), record.value(), record.headers(), record.timestamp(),
                0, 0, 0, null, null, origin());
        if (retries.isParked(routingKey)) {
            // an earlier message of this key is waiting: keep the order by waiting behind it
            retries.append(routingKey, fresh, now);
            return;
        }
        attempt(routingKey, fresh, envelope, now, false);
    }

    /**
     * Tries to route a message now. Returns true when it is settled (routed or dead-lettered),
     * false when it was (re)scheduled for a retry.
     */
    private boolean attempt(String routingKey, ParkedRecord r, Envelope envelope, long now, boolean parked) {
        int attempt = r.attempts() + 1;
        if (envelope.expiredAt(now)) {
            settleDead(routingKey, r, envelope, parked, new DeadLetters.Failure(DeadLetterReason.EXPIRED,
                    "expired at " + envelope.expiresAt(), attempt - 1, r.origin(), r.firstFailureMs(), r.lastFailureMs(),
                    r.lastReason()), now);
            return true;
        }
        TargetResolver.Resolution resolution = resolver.resolve(envelope.target(),
                envelope.strategy() != null ? envelope.strategy() : policy.defaultStrategy(), r.key());
        if (resolution.noRoute() == null) {
            deliver(r, envelope, resolution.agents(), attempt, now);
            if (parked) {
                retries.removeHead(routingKey);
            }
            return true;
        }
        TargetResolver.NoRoute why = resolution.noRoute();
        ParkedRecord failed = r.failedAgain(now, why.reason().name(), why.error());
        int maxAttempts = envelope.maxAttempts() != null ? envelope.maxAttempts() : policy.retry().maxAttempts();
        if (failed.attempts() >= maxAttempts) {
            DeadLetterReason reason = failed.attempts() > 1 ? DeadLetterReason.MAX_ATTEMPTS : why.reason();
            settleDead(routingKey, r, envelope, parked, new DeadLetters.Failure(reason, why.error(), failed.attempts(),
                    r.origin(), failed.firstFailureMs(), failed.lastFailureMs(),
                    reason == DeadLetterReason.MAX_ATTEMPTS ? why.reason().name() : null), now);
            return true;
        }
        RetryPolicy retry = envelope.retryDelayMs() == null ? policy.retry()
                : policy.retry().withInitialDelay(java.time.Duration.ofMillis(envelope.retryDelayMs()));
        long dueAt = now + retry.delayAfter(failed.attempts()).toMillis();
        if (parked) {
            retries.reschedule(routingKey, failed, dueAt);
        } else {
            retries.append(routingKey, failed, dueAt);
        }
        listener.onRetryScheduled(envelope.id(), failed.attempts());
        RouterSpans.retryScheduled(envelope.id(), failed.attempts(), why.reason().name(), dueAt);
        event(envelope.id(), MessageEvents.retryScheduled(envelope.id(), envelope.target().toString(), failed.attempts(),
                why.reason(), why.error(), dueAt, r.timestamp(), now), now);
        LOG.debug("message {} not routable ({}), attempt {} of {}, next at {}", envelope.id(), why.error(),
                failed.attempts(), maxAttempts, dueAt);
        return false;
    }

    /** Releases due retries, key by key; a key's queue drains in order until a message fails again. */
    private void releaseDue(long now) {
        for (String key : retries.dueKeys(now)) {
            boolean settled = true;
            while (settled) {
                var head = retries.head(key);
                if (head.isEmpty()) {
                    break;
                }
                ParkedRecord r = head.get();
                Envelope envelope = EnvelopeReader.read(r.headers(), r.value());
                settled = RouterSpans.retry(r.headers(), envelope.id(), r.attempts() + 1,
                        () -> attempt(key, r, envelope, now, true));
            }
        }
    }

    private void deliver(ParkedRecord r, Envelope envelope, List<RegistryEntry> agents, int attempt, long now) {
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
        event(envelope.id(), MessageEvents.routed(envelope.id(), envelope.target().toString(),
                agents.stream().map(RegistryEntry::id).toList(), attempt, r.timestamp(), now), now);
        LOG.debug("message {} routed to {} (attempt {})", envelope.id(), agents.size() == 1 ? agents.get(0).id() : agents.size() + " agents", attempt);
    }

    private void settleDead(String routingKey, ParkedRecord r, Envelope envelope, boolean parked,
                            DeadLetters.Failure failure, long now) {
        // a dead-lettered id is forgotten, so it can be sent (or replayed) again
        dedupe.forget(envelope.id(), r.timestamp());
        deadLetter(r.key(), r.value(), r.headers(), r.timestamp(), envelope.id(), envelope, failure);
        if (parked) {
            retries.removeHead(routingKey);
        }
    }

    private void deadLetter(byte[] key, byte[] value, Headers original, long timestamp, String messageId,
                            Envelope envelope, DeadLetters.Failure failure) {
        long now = context.currentSystemTimeMs();
        Headers headers = DeadLetters.headers(original, failure, now);
        RouterSpans.deadLetter(original, messageId, failure.reason().name(),
                () -> context.forward(new Record<>(key, value, timestamp, headers), RouterTopology.DLQ_SINK));
        listener.onDeadLetter(messageId, failure.reason());
        if (messageId != null) {
            event(messageId, MessageEvents.deadLettered(messageId, envelope == null ? null : envelope.target().toString(),
                    failure.reason(), failure.error(), failure.attempts(), timestamp, now), now);
        }
        LOG.info("message {} dead-lettered: {} ({})", messageId, failure.reason(), failure.error());
    }

    private void event(String id, byte[] json, long now) {
        context.forward(new Record<>(MessageEvents.key(id), json, now), RouterTopology.EVENTS_SINK);
    }

    private static String routingKey(byte[] key, Envelope envelope) {
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
