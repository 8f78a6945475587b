package io.agentmesh.service.health;

import com.codahale.metrics.Counter;
import io.agentmesh.service.db.PostgresFailures;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.streams.registry.AgentHealth;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every change to an agent's health goes through here: a check result, an override, its end, a
 * reset. Each runs in one Postgres transaction with the agent's row locked; events go to the
 * bounded history, {@code mesh_agent_status_changes_total} counts them, and when the resulting
 * status changes, {@code mesh.health} gets the new one (inside the transaction: if Kafka refuses,
 * nothing changes).
 */
public final class HealthService {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.health");

    private final HealthDao dao;
    private final HealthPublisher publisher;
    private final LiveHealthSettings settings;
    private final int historyLimit;
    private final Counter statusChanges;
    private final Clock clock;

    public HealthService(HealthDao dao, HealthPublisher publisher, LiveHealthSettings settings, int historyLimit,
                         Counter statusChanges, Clock clock) {
        this.dao = dao;
        this.publisher = publisher;
        this.settings = settings;
        this.historyLimit = historyLimit;
        this.statusChanges = statusChanges;
        this.clock = clock;
    }

    /** Applies one active check's outcome: hysteresis, then flapping detection. */
    public HealthState recordProbe(String agentId, ProbeResult probe) {
        HealthCheckSettings s = settings.get();
        return change(agentId, (h, before, events) -> {
            HealthState next = HealthRules.afterCheck(before, probe, s, clock.instant());
            if (!next.checkStatus().equals(before.checkStatus())) {
                events.add(new HealthEvent(agentId, "check", before.checkStatus(), next.checkStatus(), null,
                        probe.ok() ? next.consecutiveSuccesses() + " consecutive good checks"
                                : next.consecutiveFailures() + " consecutive failed checks, last: " + probe.error()));
                int changes = dao.verdictChangesLastMinute(h, agentId) + 1;
                if (!before.flapping() && changes > s.flappingThreshold()) {
                    next = next.withFlapping(true);
                    events.add(new HealthEvent(agentId, "flapping", before.checkStatus(), HealthState.FLAPPING, null,
                            changes + " verdict changes within a minute (threshold " + s.flappingThreshold() + ")"));
                }
            }
            return next;
        });
    }

    /** Ends overrides that ran out and flapping that calmed down. */
    public HealthState review(String agentId) {
        HealthCheckSettings s = settings.get();
        Instant now = clock.instant();
        return change(agentId, (h, before, events) -> {
            HealthState next = before;
            if (before.overrideUntil() != null && !before.overrideUntil().isAfter(now)) {
                next = next.withOverride(null, null, null);
                events.add(new HealthEvent(agentId, "override-expired", before.overrideStatus(), next.checkStatus(),
                        null, "override '" + before.overrideReason() + "' ran out at " + before.overrideUntil()));
            }
            if (before.flapping() && dao.verdictChangesLastMinute(h, agentId) <= s.flappingThreshold()) {
                next = next.withFlapping(false);
                events.add(new HealthEvent(agentId, "flapping", HealthState.FLAPPING, next.checkStatus(), null,
                        "at most " + s.flappingThreshold() + " verdict changes in the last minute"));
            }
            return next;
        });
    }

    /** Sets the status by hand until {@code until} (null: until cleared or reset). */
    public HealthState override(String agentId, String status, String reason, Instant until) {
        return change(agentId, (h, before, events) -> {
            events.add(new HealthEvent(agentId, "override", before.status(), status, null,
                    reason + (until == null ? "" : " (until " + until + ")")));
            return before.withOverride(status, reason, until);
        });
    }

    public HealthState clearOverride(String agentId) {
        return change(agentId, (h, before, events) -> {
            if (before.overrideStatus() == null) {
                return before;
            }
            events.add(new HealthEvent(agentId, "override-cleared", before.overrideStatus(), before.checkStatus(), null,
                    "override removed"));
            return before.withOverride(null, null, null);
        });
    }

    /** Forgets counters, verdict, override and flapping: the agent starts again as unknown. */
    public HealthState reset(String agentId) {
        return change(agentId, (h, before, events) -> {
            events.add(new HealthEvent(agentId, "reset", before.status(), HealthState.UNKNOWN, null, "health state reset"));
            return HealthState.initial(agentId);
        });
    }

    public Optional<HealthState> find(String agentId) {
        return PostgresFailures.call(() -> dao.find(agentId));
    }

    public Map<String, HealthState> all() {
        return PostgresFailures.call(dao::all);
    }

    public List<String> needingReview() {
        return PostgresFailures.call(dao::needingReview);
    }

    public List<String> knownAgents() {
        return PostgresFailures.call(dao::allIds);
    }

    public List<HealthEvent> history(String agentId, int limit) {
        return PostgresFailures.call(() -> dao.history(agentId, limit));
    }

    /** Writes every agent's current status to mesh.health again; answers how many. */
    public int republishAll() {
        List<java.util.concurrent.CompletableFuture<?>> writes = new ArrayList<>();
        for (HealthState s : all().values()) {
            writes.add(publisher.publish(s.agentId(), toRecord(s, "resync")));
        }
        KafkaFailures.awaitAll(writes, "health");
        return writes.size();
    }

    private interface Change {
        HealthState apply(Handle h, HealthState before, List<HealthEvent> events);
    }

    private HealthState change(String agentId, Change change) {
        return PostgresFailures.call(() -> dao.jdbi().inTransaction(h -> {
            Optional<HealthState> stored = dao.lock(h, agentId);
            HealthState before = stored.orElseGet(() -> HealthState.initial(agentId));
            List<HealthEvent> events = new ArrayList<>();
            HealthState after = change.apply(h, before, events).settled(clock.instant());
            if (after.equals(before) && events.isEmpty() && stored.isPresent()) {
                return after;
            }
            dao.save(h, after);
            for (HealthEvent e : events) {
                dao.record(h, withEffective(e, after.status()), historyLimit);
            }
            if (!after.status().equals(before.status())) {
                String reason = events.isEmpty() ? null : events.get(events.size() - 1).reason();
                KafkaFailures.await(publisher.publish(agentId, toRecord(after, reason)), "health");
            }
            statusChanges.inc(events.size());
            return after;
        }));
    }

    private static HealthEvent withEffective(HealthEvent e, String effective) {
        LOG.info("agent {} health: {} {} -> {} (now {}){}", e.agentId(), e.source(), e.previous(), e.status(), effective,
                e.reason() == null ? "" : ": " + e.reason());
        return new HealthEvent(e.agentId(), e.source(), e.previous(), e.status(), effective, e.reason());
    }

    private static AgentHealth toRecord(HealthState s, String reason) {
        return new AgentHealth(s.status(), s.changedAt() == null ? null : s.changedAt().toString(), reason);
    }

}
