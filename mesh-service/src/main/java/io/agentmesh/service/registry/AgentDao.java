package io.agentmesh.service.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The durable registry in Postgres. */
public final class AgentDao {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };
    private static final String COLUMNS = "id, name, namespace, capabilities::text AS capabilities, endpoint, "
            + "metadata::text AS metadata, status, created_at, updated_at, owner, heartbeat_ttl_ms, last_heartbeat, "
            + "card::text AS card, deregistered_at, delivery, inbox_deleted_at, seen_via, health_url";

    private final Jdbi jdbi;
    private final ObjectMapper mapper;
    private final RowMapper<AgentRecord> rowMapper;

    public AgentDao(Jdbi jdbi, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.mapper = mapper;
        this.rowMapper = this::map;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The owner of an existing id, locked until the transaction ends; empty when the id is new. */
    public Optional<Optional<String>> lockOwner(Handle handle, String id) {
        return handle.createQuery("SELECT owner FROM agents WHERE id = :id FOR UPDATE").bind("id", id)
                .map((rs, ctx) -> Optional.ofNullable(rs.getString("owner"))).findOne();
    }

    /** The owner of an id, unlocked (empty inside when it has none); empty when the id is new. */
    public Optional<Optional<String>> owner(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT owner FROM agents WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> Optional.ofNullable(rs.getString("owner"))).findOne());
    }

    /**
     * The owners of those ids that are stored (empty inside: no owner), locked until the transaction
     * ends; rows are locked in id order, so two transactions locking overlapping ids do not deadlock.
     */
    public Map<String, Optional<String>> lockOwners(Handle handle, Collection<String> ids) {
        Map<String, Optional<String>> owners = new java.util.HashMap<>();
        for (Map.Entry<String, Optional<String>> row : handle.createQuery(
                        "SELECT id, owner FROM agents WHERE id = ANY(:ids) ORDER BY id COLLATE \"C\" FOR UPDATE")
                .bindArray("ids", String.class, ids)
                .map((rs, ctx) -> Map.entry(rs.getString("id"), Optional.ofNullable(rs.getString("owner")))).list()) {
            owners.put(row.getKey(), row.getValue());
        }
        return owners;
    }

    /**
     * Inserts or re-activates an agent (heartbeat now); {@code inserted} tells which. An existing row
     * is changed only if the caller may ({@code override}, or the row's owner is {@code owner}, or it
     * has none and the caller is not {@code strict}); empty when it may not, as when another owner
     * inserted the id after the caller looked.
     */
    public Optional<Upsert> upsert(Handle handle, RegisterCommand c, boolean override, String owner, boolean strict) {
        return handle.createQuery("""
                        INSERT INTO agents (id, name, namespace, capabilities, endpoint, metadata, status, owner,
                                            heartbeat_ttl_ms, card, delivery, health_url, seen_via)
                        VALUES (:id, :name, :namespace, CAST(:capabilities AS jsonb), :endpoint, CAST(:metadata AS jsonb),
                                'active', :owner, :ttl, CAST(:card AS jsonb), :delivery, :healthUrl, 'registration')
                        ON CONFLICT (id) DO UPDATE SET name = excluded.name, namespace = excluded.namespace,
                            capabilities = excluded.capabilities, endpoint = excluded.endpoint,
                            metadata = excluded.metadata, status = 'active', updated_at = now(),
                            owner = COALESCE(excluded.owner, agents.owner), heartbeat_ttl_ms = excluded.heartbeat_ttl_ms,
                            card = excluded.card, delivery = excluded.delivery, health_url = excluded.health_url,
                            last_heartbeat = now(), seen_via = 'registration', deregistered_at = NULL, inbox_deleted_at = NULL
                        WHERE :override OR agents.owner = :caller OR (agents.owner IS NULL AND NOT :strict)
                        RETURNING """ + " " + COLUMNS + ", (xmax = 0) AS inserted")
                .bind("override", override)
                .bind("caller", owner)
                .bind("strict", strict)
                .bind("id", c.id())
                .bind("name", c.name())
                .bind("namespace", c.namespace())
                .bind("capabilities", json(c.capabilities()))
                .bind("endpoint", c.endpoint())
                .bind("metadata", json(c.metadata()))
                .bind("owner", c.owner())
                .bind("ttl", c.heartbeatTtlMs())
                .bind("card", c.card() == null ? null : json(c.card()))
                .bind("delivery", c.delivery())
                .bind("healthUrl", c.healthUrl())
                .map((rs, ctx) -> new Upsert(map(rs, ctx), rs.getBoolean("inserted")))
                .findOne();
    }

    /** Records that active agents were seen alive (a heartbeat) and how; returns those that were active. */
    public List<AgentRecord> seen(Collection<String> ids, String via) {
        return jdbi.withHandle(h -> h.createQuery("UPDATE agents SET last_heartbeat = now(), seen_via = :via "
                        + "WHERE id = ANY(:ids) AND status = 'active' RETURNING " + COLUMNS)
                .bind("via", via).bindArray("ids", String.class, ids).map(rowMapper).list());
    }

    /** An agent a sign of life was recorded for: its id and its own heartbeat TTL (null: the mesh's default). */
    public record Seen(String id, Long heartbeatTtlMs) {
    }

    /**
     * As {@link #seen}, answering only what refreshing the live cache needs (a heartbeat of many
     * agents would otherwise decode every row's metadata, card and timestamps only to count them).
     */
    public List<Seen> seenIds(Collection<String> ids, String via) {
        return jdbi.withHandle(h -> h.createQuery("UPDATE agents SET last_heartbeat = now(), seen_via = :via "
                        + "WHERE id = ANY(:ids) AND status = 'active' RETURNING id, heartbeat_ttl_ms")
                .bind("via", via).bindArray("ids", String.class, ids)
                .map((rs, ctx) -> {
                    String id = rs.getString(1);
                    long ttl = rs.getLong(2);
                    // wasNull speaks of the column read last: the TTL
                    return new Seen(id, rs.wasNull() ? null : ttl);
                }).list());
    }

    /** The active agents among {@code ids}. */
    public List<AgentRecord> findActive(Collection<String> ids) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM agents WHERE id = ANY(:ids) AND status = 'active'")
                .bindArray("ids", String.class, ids).map(rowMapper).list());
    }

    /** Turns expired agents active again (being seen proves they are alive); returns those it revived. */
    public List<AgentRecord> revive(Handle handle, Collection<String> ids, String via) {
        return handle.createQuery("UPDATE agents SET status = 'active', last_heartbeat = now(), seen_via = :via, "
                        + "updated_at = now() WHERE id = ANY(:ids) AND status = 'expired' RETURNING " + COLUMNS)
                .bind("via", via).bindArray("ids", String.class, ids).map(rowMapper).list();
    }

    /**
     * Marks expired every active agent whose last heartbeat is older than its TTL (or
     * {@code defaultTtlMs}); Postgres's clock decides, so nodes' clocks do not matter.
     */
    public List<AgentRecord> expireOverdue(Handle handle, long defaultTtlMs) {
        return handle.createQuery("UPDATE agents SET status = 'expired', updated_at = now() WHERE status = 'active' "
                        + "AND last_heartbeat + COALESCE(heartbeat_ttl_ms, :ttl) * interval '1 millisecond' < now() "
                        + "RETURNING " + COLUMNS)
                .bind("ttl", defaultTtlMs).map(rowMapper).list();
    }

    /** Deregistered agents whose inbox is still there after {@code retentionMs}. */
    public List<String> inboxesPastRetention(long retentionMs) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM agents WHERE status = 'deregistered' "
                        + "AND inbox_deleted_at IS NULL "
                        + "AND deregistered_at + :ms * interval '1 millisecond' < now() ORDER BY id")
                .bind("ms", retentionMs).mapTo(String.class).list());
    }

    /** Notes that the inbox of a (still deregistered) agent was deleted. */
    public boolean markInboxDeleted(String id) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE agents SET inbox_deleted_at = now() "
                + "WHERE id = :id AND status = 'deregistered'").bind("id", id).execute() == 1);
    }

    public Optional<AgentRecord> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM agents WHERE id = :id")
                .bind("id", id).map(rowMapper).findOne());
    }

    /** Agents that are not deregistered, optionally filtered, ordered by id. */
    public List<AgentRecord> list(String capability, String namespace, int limit, int offset) {
        return jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM agents WHERE status <> 'deregistered'");
            if (capability != null) {
                sql.append(" AND capabilities @> jsonb_build_array(CAST(:capability AS text))");
            }
            if (namespace != null) {
                sql.append(" AND namespace = :namespace");
            }
            sql.append(" ORDER BY id LIMIT :limit OFFSET :offset");
            Query q = h.createQuery(sql.toString()).bind("limit", limit).bind("offset", offset);
            if (capability != null) {
                q.bind("capability", capability);
            }
            if (namespace != null) {
                q.bind("namespace", namespace);
            }
            return q.map(rowMapper).list();
        });
    }

    /** The ids of the agents that are not deregistered, in id order. */
    public List<String> presentIds() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM agents WHERE status <> 'deregistered' ORDER BY id")
                .mapTo(String.class).list());
    }

    /** Every agent ever registered, deregistered ones included, in id order. */
    public List<AgentRecord> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM agents ORDER BY id").map(rowMapper).list());
    }

    /**
     * Active agents the mesh delivers to (webhook push or A2A calls) that have an endpoint: what the
     * push dispatcher serves.
     */
    public List<AgentRecord> activePush() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM agents WHERE status = 'active'"
                + " AND delivery IN ('push', 'a2a') AND endpoint IS NOT NULL ORDER BY id").map(rowMapper).list());
    }

    /** Agents behind A2A servers that are still registered (active or expired): whose cards the leader refreshes. */
    public List<AgentRecord> remoteA2a() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM agents WHERE delivery = 'a2a'"
                + " AND status IN ('active', 'expired') ORDER BY id").map(rowMapper).list());
    }

    public Map<String, Long> countByStatus() {
        return jdbi.withHandle(h -> h.createQuery("SELECT status, count(*) AS n FROM agents GROUP BY status")
                .reduceRows(new java.util.TreeMap<String, Long>(), (acc, row) -> {
                    acc.put(row.getColumn("status", String.class), row.getColumn("n", Long.class));
                    return acc;
                }));
    }

    public Optional<AgentRecord> markDeregistered(Handle handle, String id) {
        return handle.createQuery("UPDATE agents SET status = 'deregistered', updated_at = now(), deregistered_at = now() "
                        + "WHERE id = :id AND status <> 'deregistered' RETURNING " + COLUMNS)
                .bind("id", id).map(rowMapper).findOne();
    }

    public boolean ping() {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one() == 1);
    }

    private AgentRecord map(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        try {
            return new AgentRecord(rs.getString("id"), rs.getString("name"), rs.getString("namespace"),
                    mapper.readValue(rs.getString("capabilities"), STRINGS), rs.getString("endpoint"),
                    mapper.readValue(rs.getString("metadata"), OBJECT), rs.getString("status"),
                    rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                    rs.getObject("updated_at", OffsetDateTime.class).toInstant(), rs.getString("owner"),
                    (Long) rs.getObject("heartbeat_ttl_ms"),
                    rs.getObject("last_heartbeat", OffsetDateTime.class).toInstant(),
                    rs.getString("card") == null ? null : mapper.readValue(rs.getString("card"), OBJECT),
                    rs.getObject("deregistered_at") == null ? null
                            : rs.getObject("deregistered_at", OffsetDateTime.class).toInstant(),
                    rs.getString("delivery"),
                    rs.getObject("inbox_deleted_at") == null ? null
                            : rs.getObject("inbox_deleted_at", OffsetDateTime.class).toInstant(),
                    rs.getString("seen_via"), rs.getString("health_url"));
        } catch (JsonProcessingException e) {
            throw new SQLException("corrupt JSON in agents row " + rs.getString("id"), e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record Upsert(AgentRecord agent, boolean inserted) {
    }
}
