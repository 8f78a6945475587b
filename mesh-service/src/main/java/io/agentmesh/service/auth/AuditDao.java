package io.agentmesh.service.auth;

import org.jdbi.v3.core.Jdbi;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The audit trail in PostgreSQL. */
public final class AuditDao {

    private final Jdbi jdbi;

    public AuditDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(AuditLog.Entry e) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO audit_log (at, actor, action, target, outcome, status, detail) "
                        + "VALUES (:at, :actor, :action, :target, :outcome, :status, :detail)")
                .bind("at", Timestamp.from(e.at())).bind("actor", e.actor()).bind("action", e.action())
                .bind("target", e.target()).bind("outcome", e.outcome()).bind("status", e.status())
                .bind("detail", e.detail()).execute());
    }

    /** Newest first; null filters match everything; {@code action} matches as a substring. */
    public List<Map<String, Object>> find(String actor, String action, Instant since, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, at, actor, action, target, outcome, status, detail "
                        + "FROM audit_log WHERE (CAST(:actor AS TEXT) IS NULL OR actor = :actor) "
                        + "AND (CAST(:action AS TEXT) IS NULL OR strpos(action, :action) > 0) "
                        + "AND (CAST(:since AS TIMESTAMPTZ) IS NULL OR at >= :since) ORDER BY id DESC LIMIT :limit")
                .bind("actor", actor).bind("action", action)
                .bind("since", since == null ? null : Timestamp.from(since)).bind("limit", limit)
                .map((rs, ctx) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", rs.getLong("id"));
                    row.put("at", rs.getObject("at", OffsetDateTime.class).toInstant().toString());
                    row.put("actor", rs.getString("actor"));
                    row.put("action", rs.getString("action"));
                    row.put("target", rs.getString("target"));
                    row.put("outcome", rs.getString("outcome"));
                    int status = rs.getInt("status");
                    row.put("status", rs.wasNull() ? null : status);
                    row.put("detail", rs.getString("detail"));
                    return row;
                }).list());
    }
}
