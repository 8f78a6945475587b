package io.agentmesh.service.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.core.AgentRecord;
import io.agentmesh.service.core.RegisterCommand;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The durable registry in Postgres. */
public final class AgentDao {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };
    private static final String COLUMNS = "id, name, namespace, capabilities::text AS capabilities, endpoint, "
            + "metadata::text AS metadata, status, created_at, updated_at";

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

    /** Inserts or re-activates an agent; {@code inserted} tells which. */
    public Upsert upsert(Handle handle, RegisterCommand c) {
        return handle.createQuery("""
                        INSERT INTO agents (id, name, namespace, capabilities, endpoint, metadata, status)
                        VALUES (:id, :name, :namespace, CAST(:capabilities AS jsonb), :endpoint, CAST(:metadata AS jsonb), 'active')
                        ON CONFLICT (id) DO UPDATE SET name = excluded.name, namespace = excluded.namespace,
                            capabilities = excluded.capabilities, endpoint = excluded.endpoint,
                            metadata = excluded.metadata, status = 'active', updated_at = now()
                        RETURNING """ + " " + COLUMNS + ", (xmax = 0) AS inserted")
                .bind("id", c.id())
                .bind("name", c.name())
                .bind("namespace", c.namespace())
                .bind("capabilities", json(c.capabilities()))
                .bind("endpoint", c.endpoint())
                .bind("metadata", json(c.metadata()))
                .map((rs, ctx) -> new Upsert(map(rs, ctx), rs.getBoolean("inserted")))
                .one();
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

    /** Every agent ever registered, deregistered ones included, in id order. */
    public List<AgentRecord> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM agents ORDER BY id").map(rowMapper).list());
    }

    public Map<String, Long> countByStatus() {
        return jdbi.withHandle(h -> h.createQuery("SELECT status, count(*) AS n FROM agents GROUP BY status")
                .reduceRows(new java.util.TreeMap<String, Long>(), (acc, row) -> {
                    acc.put(row.getColumn("status", String.class), row.getColumn("n", Long.class));
                    return acc;
                }));
    }

    public Optional<AgentRecord> markDeregistered(Handle handle, String id) {
        return handle.createQuery("UPDATE agents SET status = 'deregistered', updated_at = now() "
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
                    rs.getObject("updated_at", OffsetDateTime.class).toInstant());
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
