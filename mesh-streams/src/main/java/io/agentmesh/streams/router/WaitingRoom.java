package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.Envelope;
import io.agentmesh.streams.envelope.EnvelopeReader;
import io.agentmesh.streams.envelope.Target;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Where messages wait for their target, and what happens to them there: parked at no cost per
 * message, each waiting target checked once per backoff step, released in arrival order the moment
 * a registry or health change makes it routable, given up on (MAX_ATTEMPTS or EXPIRED) only when a
 * message's own deadline passes. The router's processor hands messages in and gets them back out
 * through its {@link Outlet}.
 */
final class WaitingRoom {

    /** What the router does with a message that leaves the waiting room. */
    interface Outlet {
        void deliver(ParkedRecord r, Envelope envelope, List<RegistryEntry> agents, int attempt, long now);

        void settleDead(ParkedRecord r, Envelope envelope, DeadLetters.Failure failure);

        void event(String id, byte[] json, long now);
    }

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.routing");

    private final RouterPolicy policy;
    private final RoutingListener listener;
    private final RegistryIndex index;
    private final TargetResolver resolver;
    private final RetryStore retries;
    private final Outlet outlet;
    /** The registry index's version last looked at for targets a change made routable (0: check all first). */
    private long seenVersion;

    WaitingRoom(RouterPolicy policy, RoutingListener listener, RegistryIndex index, TargetResolver resolver,
                RetryStore retries, Outlet outlet) {
        this.policy = policy;
        this.listener = listener;
        this.index = index;
        this.resolver = resolver;
        this.retries = retries;
        this.outlet = outlet;
    }

    /** Whether an earlier message with this routing key waits for this target. */
    boolean isWaiting(String target, String routingKey) {
        return retries.isWaiting(target, routingKey);
    }

    /** Parks a message for its target; {@code why} is null for one that only waits behind its key. */
    void park(String target, ParkedRecord r, Envelope envelope, long now, TargetResolver.NoRoute why) {
        var state = retries.state(target);
        String reason = why != null ? why.reason().name() : state.map(RetryStore.TargetState::lastReason).orElse(null);
        String error = why != null ? why.error() : state.map(RetryStore.TargetState::lastError).orElse(null);
        if (retries.waiting() >= policy.maxParked() || retries.waiting(target) >= policy.maxParkedPerTarget()) {
            outlet.settleDead(r, envelope, new DeadLetters.Failure(DeadLetterReason.RETRY_QUEUE_FULL, "retry store full ("
                    + retries.waiting(target) + " waiting for " + target + ", " + retries.waiting() + " in all); last: "
                    + error, 1, r.origin(), now, now, reason));
            return;
        }
        int maxAttempts = policy.maxAttemptsFor(envelope);
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
        outlet.event(envelope.id(), MessageEvents.retryScheduled(envelope, r.routingKey(), target, 1, because,
                why != null ? error : "waits behind an earlier message with the same key: " + error, nextCheck,
                r.timestamp(), now), now);
        LOG.debug("message {} waits for {} ({}); next check at {}, gives up at {}", envelope.id(), target, error,
                nextCheck, deadline);
    }

    /**
     * Every tick: targets a registry or health change may have made routable, targets whose check
     * is due, and messages whose deadline passed (their target checked once more first).
     */
    void punctuate(long now) {
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
                    outlet.settleDead(p.record(), envelope, new DeadLetters.Failure(why.reason(), why.error(),
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
                    outlet.settleDead(r, envelope, new DeadLetters.Failure(DeadLetterReason.EXPIRED, "expired at "
                            + envelope.expiresAt(), attempt - 1, r.origin(), r.firstFailureMs(), now, r.lastReason()));
                    return true;
                }
                TargetResolver.Resolution resolution = resolver.resolve(parsed, policy.strategyFor(envelope), r.key());
                TargetResolver.NoRoute why = resolution.noRoute();
                if (why == null) {
                    outlet.deliver(r, envelope, resolution.agents(), attempt, now);
                    return true;
                }
                if (!why.retry()) {
                    outlet.settleDead(r, envelope, new DeadLetters.Failure(why.reason(), why.error(), attempt, r.origin(),
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
            outlet.settleDead(r, envelope, failure);
            return true;
        });
    }

    /** Messages parked by a router of the previous layout: parked again here, their waits starting now. */
    void parkLegacy(List<ParkedRecord> legacy, long now) {
        for (ParkedRecord old : legacy) {
            Envelope envelope = EnvelopeReader.read(old.headers(), old.value());
            ParkedRecord r = new ParkedRecord(old.key(), old.value(), old.headers(), old.timestamp(),
                    RouterProcessor.routingKey(old.key(), envelope), old.firstFailureMs(), old.lastReason(), old.lastError(), old.origin(),
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

}
