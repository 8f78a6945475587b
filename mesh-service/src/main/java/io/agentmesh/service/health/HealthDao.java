package io.agentmesh.service.health;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Agents' health state (agent_health) and their bounded event history (agent_health_history). */
public final class HealthDao {

    private static final String COLUMNS = "agent_id, status, check_status, consecutive_failures, consecutive_successes, "
            + "last_check_at, last_check_ok, last_error, last_latency_ms, override_status, override_reason, "
            + "override_until, flapping, changed_at";

    private final Jdbi jdbi;

    public HealthDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The agent's state, locked for this transaction; empty when it has none yet. */
    public Optional<HealthState> lock(Handle h, String agentId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM agent_health WHERE agent_id = :id FOR UPDATE")
                .bind("id", agentId).map(HealthDao::map).findOne();
    }

    public Optional<HealthState> find(String agentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM agent_health WHERE agent_id = :id")
                .bind("id", agentId).map(HealthDao::map).findOne());
    }

    /** State of every agent that has one, by id. */
    public Map<String, HealthState> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM agent_health ORDER BY agent_id")
                .map(HealthDao::map).list()).stream()
                .collect(LinkedHashMap::new, (m, s) -> m.put(s.agentId(), s), Map::putAll);
    }

    /** Agents whose override ran out, or that are flapping (re-evaluated each round). */
    public List<String> needingReview() {
        return jdbi.withHandle(h -> h.createQuery("SELECT agent_id FROM agent_health WHERE flapping "
                + "OR (override_until IS NOT NULL AND override_until <= now()) ORDER BY agent_id").mapTo(String.class).list());
    }

    public List<String> allIds() {
        return jdbi.withHandle(h -> h.createQuery("SELECT agent_id FROM agent_health ORDER BY agent_id")
                .mapTo(String.class).list());
    }

    public void save(Handle h, HealthState s) {
        h.createUpdate("""
                        INSERT INTO agent_health (agent_id, status, check_status, consecutive_failures, consecutive_successes,
                            last_check_at, last_check_ok, last_error, last_latency_ms, override_status, override_reason,
                            override_until, flapping, changed_at)
                        VALUES (:agent_id, :status, :check_status, :failures, :successes, :last_check_at, :last_check_ok,
                            :last_error, :latency, :override_status, :override_reason, :override_until, :flapping,
                            COALESCE(:changed_at, now()))
                        ON CONFLICT (agent_id) DO UPDATE SET status = excluded.status, check_status = excluded.check_status,
                            consecutive_failures = excluded.consecutive_failures,
                            consecutive_successes = excluded.consecutive_successes, last_check_at = excluded.last_check_at,
                            last_check_ok = excluded.last_check_ok, last_error = excluded.last_error,
                            last_latency_ms = excluded.last_latency_ms, override_status = excluded.override_status,
                            override_reason = excluded.override_reason, override_until = excluded.override_until,
                            flapping = excluded.flapping, changed_at = excluded.changed_at""")
                .bind("agent_id", s.agentId())
                .bind("status", s.status())
                .bind("check_status", s.checkStatus())
                .bind("failures", s.consecutiveFailures())
                .bind("successes", s.consecutiveSuccesses())
                .bind("last_check_at", ts(s.lastCheckAt()))
                .bind("last_check_ok", s.lastCheckOk())
                .bind("last_error", s.lastError())
                .bind("latency", s.lastLatencyMs())
                .bind("override_status", s.overrideStatus())
                .bind("override_reason", s.overrideReason())
                .bind("override_until", ts(s.overrideUntil()))
                .bind("flapping", s.flapping())
                .bind("changed_at", ts(s.changedAt()))
                .execute();
    }

    /** Appends an event and drops the agent's oldest beyond {@code limit}. */
    public void record(Handle h, HealthEvent e, int limit) {
        h.createUpdate("INSERT INTO agent_health_history (agent_id, source, previous, status, effective, reason) "
                        + "VALUES (:a, :source, :previous, :status, :effective, :reason)")
                .bind("a", e.agentId()).bind("source", e.source()).bind("previous", e.previous())
                .bind("status", e.status()).bind("effective", e.effective()).bind("reason", e.reason())
                .execute();
        h.createUpdate("DELETE FROM agent_health_history WHERE agent_id = :a AND id <= (SELECT id FROM "
                        + "agent_health_history WHERE agent_id = :a ORDER BY id DESC OFFSET :limit LIMIT 1)")
                .bind("a", e.agentId()).bind("limit", limit).execute();
    }

    /** How often the checks' verdict changed for this agent within the last minute (since its last reset). */
    public int verdictChangesLastMinute(Handle h, String agentId) {
        return h.createQuery("SELECT count(*) FROM agent_health_history WHERE agent_id = :a AND source = 'check' "
                        + "AND at > now() - interval '1 minute' AND id > COALESCE((SELECT max(id) FROM agent_health_history "
                        + "WHERE agent_id = :a AND source = 'reset'), 0)")
                .bind("a", agentId).mapTo(Integer.class).one();
    }

    public List<HealthEvent> history(String agentId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT agent_id, source, previous, status, effective, reason, at "
                        + "FROM agent_health_history WHERE agent_id = :a ORDER BY id DESC LIMIT :limit")
                .bind("a", agentId).bind("limit", limit)
                .map((rs, ctx) -> new HealthEvent(rs.getString("agent_id"), rs.getString("source"),
                        rs.getString("previous"), rs.getString("status"), rs.getString("effective"),
                        rs.getString("reason"), rs.getObject("at", OffsetDateTime.class).toInstant().toString()))
                .list());
    }

    private static HealthState map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new HealthState(rs.getString("agent_id"), rs.getString("status"), rs.getString("check_status"),
                rs.getInt("consecutive_failures"), rs.getInt("consecutive_successes"), instant(rs, "last_check_at"),
                (Boolean) rs.getObject("last_check_ok"), rs.getString("last_error"),
                (Integer) rs.getObject("last_latency_ms"), rs.getString("override_status"),
                rs.getString("override_reason"), instant(rs, "override_until"), rs.getBoolean("flapping"),
                instant(rs, "changed_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
