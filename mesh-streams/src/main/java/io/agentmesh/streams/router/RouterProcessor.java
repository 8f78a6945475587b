package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.Envelope;
import io.agentmesh.streams.envelope.EnvelopeReader;
import io.agentmesh.streams.envelope.InvalidEnvelopeException;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.envelope.Strategy;
import io.agentmesh.streams.envelope.Target;
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
    private ProcessorContext<byte[], byte[]> context;
    private DedupeStore dedupe;
    private TargetResolver resolver;
    private RetryStore retries;
    /** The registry index's version last looked at for targets a change made routable. */
    private long seenVersion;

    RouterProcessor(RouterPolicy policy, RoutingListener listener, LoadView load, RegistryIndex index) {
        this.policy = policy;
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
        this.retries = new RetryStore(context.getStateStore(RetryStore.MESSAGES), context.getStateStore(RetryStore.TARGETS),
                context.getStateStore(RetryStore.LANES), context.getStateStore(RetryStore.CHECKS),
                context.getStateStore(RetryStore.DEADLINES));
        parkLegacy(context.currentSystemTimeMs());
        // zero: after a restart every waiting target is checked at the first tick
        this.seenVersion = 0;
        context.schedule(policy.retryTick(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
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
        String target = envelope.target().toString();
        ParkedRecord fresh = new ParkedRecord(record.key(), record.value(), record.headers(), record.timestamp(),
                routingKey(record.key(), envelope), now, null, null, origin(), 0, 0, false, 0);
        if (retries.isWaiting(target, fresh.routingKey())) {
            // an earlier message of this key waits for this target: keep the order by waiting behind it
            park(target, fresh, envelope, now, null);
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
        TargetResolver.Resolution resolution = resolver.resolve(envelope.target(), strategy(envelope), r.key());
        TargetResolver.NoRoute why = resolution.noRoute();
        if (why == null) {
            deliver(r, envelope, resolution.agents(), 1, now);
        } else if (!why.retry() || maxAttempts(envelope) <= 1) {
            settleDead(r, envelope, new DeadLetters.Failure(why.reason(), why.error(), 1, r.origin(), now, now, null));
        } else {
            park(target, r, envelope, now, why);
        }
    }

    /** Parks a message for its target; {@code why} is null for one that only waits behind its key. */
    private void park(String target, ParkedRecord r, Envelope envelope, long now, TargetResolver.NoRoute why) {
        var state = retries.state(target);
        String reason = why != null ? why.reason().name() : state.map(RetryStore.TargetState::lastReason).orElse(null);
        String error = why != null ? why.error() : state.map(RetryStore.TargetState::lastError).orElse(null);
        if (retries.waiting() >= policy.maxParked() || retries.waiting(target) >= policy.maxParkedPerTarget()) {
            settleDead(r, envelope, new DeadLetters.Failure(DeadLetterReason.RETRY_QUEUE_FULL, "retry store full ("
                    + retries.waiting(target) + " waiting for " + target + ", " + retries.waiting() + " in all); last: "
                    + error, 1, r.origin(), now, now, reason));
            return;
        }
        int maxAttempts = maxAttempts(envelope);
        RetryPolicy own = envelope.retryDelayMs() == null ? policy.retry()
                : policy.retry().withInitialDelay(java.time.Duration.ofMillis(envelope.retryDelayMs()));
        long giveUpAt = now + own.totalWait(maxAttempts).toMillis();
        boolean expires = envelope.expiresAt() != null && envelope.expiresAt().toEpochMilli() < giveUpAt;
        long deadline = expires ? envelope.expiresAt().toEpochMilli() : giveUpAt;
        ParkedRecord parked = new ParkedRecord(r.key(), r.value(), r.headers(), r.timestamp(), r.routingKey(), now,
                reason, error, r.origin(), 0, deadline, expires, maxAttempts);
        retries.park(target, parked, now + policy.retry().delayAfter(1).toMillis(), reason, error);
        long nextCheck = retries.state(target).map(RetryStore.TargetState::nextCheckAt).orElse(deadline);
        listener.onRetryScheduled(envelope.id(), 1);
        DeadLetterReason because = reasonOf(reason);
        RouterSpans.retryScheduled(envelope.id(), 1, because.name(), nextCheck);
        event(envelope.id(), MessageEvents.retryScheduled(envelope.id(), target, 1, because,
                why != null ? error : "waits behind an earlier message with the same key: " + error, nextCheck,
                r.timestamp(), now), now);
        LOG.debug("message {} waits for {} ({}); next check at {}, gives up at {}", envelope.id(), target, error,
                nextCheck, deadline);
    }

    /**
     * Every tick: targets a registry or health change may have made routable, targets whose check
     * is due, and messages whose deadline passed (their target checked once more first).
     */
    private void punctuate(long now) {
        java.util.Set<String> checked = new java.util.HashSet<>();
        long version = index.version();
        if (version != seenVersion) {
            for (String target : index.changedSince(seenVersion, retries.targets())) {
                checked.add(target);
                check(target, now);
            }
            seenVersion = version;
        }
        for (String target : retries.dueChecks(now)) {
            if (checked.add(target)) {
                check(target, now);
            }
        }
        for (RetryStore.Due due : retries.dueDeadlines(now)) {
            if (checked.add(due.target())) {
                check(due.target(), now);
            }
            long checks = retries.state(due.target()).map(RetryStore.TargetState::checks).orElse(0L);
            retries.state(due.target()).ifPresent(state -> retries.take(due.target(), due.seq())
                    .ifPresent(r -> giveUp(r, state, checks, now)));
        }
    }

    /** One check of a waiting target for all its messages: release them, or count the failure and wait. */
    private void check(String target, long now) {
        Target parsed = Target.parse(target);
        TargetResolver.NoRoute why = resolver.check(parsed);
        if (why == null) {
            release(target, parsed, now);
            return;
        }
        var state = retries.state(target);
        if (state.isEmpty()) {
            return;
        }
        if (!why.retry()) {
            retries.drain(target, p -> {
                Envelope envelope = EnvelopeReader.read(p.record().headers(), p.record().value());
                RouterSpans.retry(p.record().headers(), envelope.id(), p.record().attempts(state.get().checks()) + 1, () -> {
                    settleDead(p.record(), envelope, new DeadLetters.Failure(why.reason(), why.error(),
                            p.record().attempts(state.get().checks()) + 1, p.record().origin(), p.record().firstFailureMs(),
                            now, p.record().lastReason()));
                    return true;
                });
                return true;
            });
            return;
        }
        long failed = state.get().checks() + 1;
        retries.checkFailed(target, now + policy.retry().delayAfter((int) Math.min(100, failed + 1)).toMillis(),
                why.reason().name(), why.error());
    }

    /** The target can take messages: each goes out in arrival order (an anycast one to the agent its strategy picks). */
    private void release(String target, Target parsed, long now) {
        var state = retries.state(target);
        if (state.isEmpty()) {
            return;
        }
        long checks = state.get().checks();
        TargetResolver.NoRoute[] stoppedBy = {null};
        retries.drain(target, p -> {
            ParkedRecord r = p.record();
            Envelope envelope = EnvelopeReader.read(r.headers(), r.value());
            int attempt = r.attempts(checks) + 1;
            return RouterSpans.retry(r.headers(), envelope.id(), attempt, () -> {
                if (envelope.expiredAt(now)) {
                    settleDead(r, envelope, new DeadLetters.Failure(DeadLetterReason.EXPIRED, "expired at "
                            + envelope.expiresAt(), attempt - 1, r.origin(), r.firstFailureMs(), now, r.lastReason()));
                    return true;
                }
                TargetResolver.Resolution resolution = resolver.resolve(parsed, strategy(envelope), r.key());
                TargetResolver.NoRoute why = resolution.noRoute();
                if (why == null) {
                    deliver(r, envelope, resolution.agents(), attempt, now);
                    return true;
                }
                if (!why.retry()) {
                    settleDead(r, envelope, new DeadLetters.Failure(why.reason(), why.error(), attempt, r.origin(),
                            r.firstFailureMs(), now, r.lastReason()));
                    return true;
                }
                stoppedBy[0] = why;
                return false;
            });
        });
        if (stoppedBy[0] != null) {
            // the registry changed while releasing: what is left waits for the next check
            retries.checkFailed(target, now + policy.retry().delayAfter(1).toMillis(), stoppedBy[0].reason().name(),
                    stoppedBy[0].error());
        }
    }

    /** A message's deadline passed and its target still cannot take it. */
    private void giveUp(ParkedRecord r, RetryStore.TargetState state, long checks, long now) {
        Envelope envelope = EnvelopeReader.read(r.headers(), r.value());
        String cause = state.lastReason() != null ? state.lastReason() : r.lastReason();
        String error = state.lastError() != null ? state.lastError() : r.lastError();
        int attempts = r.attempts(checks);
        RouterSpans.retry(r.headers(), envelope.id(), attempts, () -> {
            DeadLetters.Failure failure = r.expires()
                    ? new DeadLetters.Failure(DeadLetterReason.EXPIRED, "expired at " + envelope.expiresAt() + "; last: "
                            + error, attempts, r.origin(), r.firstFailureMs(), now, cause)
                    : new DeadLetters.Failure(r.maxAttempts() > 1 ? DeadLetterReason.MAX_ATTEMPTS : reasonOf(cause), error, Math.max(attempts, r.maxAttempts()), r.origin(),
                            r.firstFailureMs(), now, r.maxAttempts() > 1 ? cause : null);
            settleDead(r, envelope, failure);
            return true;
        });
    }

    /** Messages parked by a router of the previous layout: parked again here, their waits starting now. */
    private void parkLegacy(long now) {
        List<ParkedRecord> legacy = RetryStore.drainLegacy(context.getStateStore(RetryStore.LEGACY_QUEUE),
                context.getStateStore(RetryStore.LEGACY_KEYS), context.getStateStore(RetryStore.LEGACY_DUE));
        for (ParkedRecord old : legacy) {
            Envelope envelope = EnvelopeReader.read(old.headers(), old.value());
            ParkedRecord r = new ParkedRecord(old.key(), old.value(), old.headers(), old.timestamp(),
                    routingKey(old.key(), envelope), old.firstFailureMs(), old.lastReason(), old.lastError(), old.origin(),
                    0, 0, false, 0);
            park(envelope.target().toString(), r, envelope, now, new TargetResolver.NoRoute(reasonOf(old.lastReason()),
                    old.lastError() == null ? "parked before an upgrade" : old.lastError(), true));
        }
        if (!legacy.isEmpty()) {
            LOG.info("{} waiting messages moved from the previous retry store", legacy.size());
        }
    }

    private static DeadLetterReason reasonOf(String name) {
        return name == null ? DeadLetterReason.UNKNOWN_TARGET : DeadLetterReason.valueOf(name);
    }

    private Strategy strategy(Envelope envelope) {
        return envelope.strategy() != null ? envelope.strategy() : policy.defaultStrategy();
    }

    private int maxAttempts(Envelope envelope) {
        return envelope.maxAttempts() != null ? envelope.maxAttempts() : policy.retry().maxAttempts();
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

    private void settleDead(ParkedRecord r, Envelope envelope, DeadLetters.Failure failure) {
        // a dead-lettered id is forgotten, so it can be sent (or replayed) again
        dedupe.forget(envelope.id(), r.timestamp());
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
