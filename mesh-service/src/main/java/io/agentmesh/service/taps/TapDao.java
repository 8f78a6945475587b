package io.agentmesh.service.taps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.streams.taps.PayloadPolicy;
import io.agentmesh.streams.taps.TapFilter;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Taps in PostgreSQL. */
public final class TapDao {

    private final Jdbi jdbi;
    private final ObjectMapper mapper;
    private final RowMapper<Tap> rows;

    public TapDao(Jdbi jdbi, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.mapper = mapper;
        this.rows = (rs, ctx) -> new Tap(rs.getString("name"), rs.getString("topic"),
                read(rs.getString("filter"), TapFilter.class), read(rs.getString("payload"), PayloadPolicy.class),
                rs.getString("hmac_key"), rs.getLong("retention_ms"), rs.getInt("partitions"), rs.getString("reader"),
                rs.getString("created_by"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")),
                instant(rs.getTimestamp("deleted_at")));
    }

    /**
     * Runs {@code work} holding the tap's lock (a PostgreSQL advisory lock, across nodes), so that
     * what is written to the definitions topic follows the order of the changes: a republish never
     * brings back a definition a later change replaced.
     */
    public <T> T locked(String name, java.util.function.Supplier<T> work) {
        return jdbi.inTransaction(h -> {
            h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(:key))) AS locked")
                    .bind("key", "agentmesh.tap:" + name).mapTo(Integer.class).one();
            return work.get();
        });
    }

    public Optional<Tap> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM taps WHERE name = :name").bind("name", name)
                .map(rows).findOne());
    }

    /** Taps not deleted, by name. */
    public List<Tap> live() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM taps WHERE deleted_at IS NULL ORDER BY name").map(rows).list());
    }

    /** When the oldest tap not deleted was created; empty when there is none. */
    public Optional<Instant> oldestLive() {
        return Optional.ofNullable(jdbi.withHandle(h -> h.createQuery("SELECT min(created_at) AS at FROM taps WHERE deleted_at IS NULL")
                .map((rs, ctx) -> instant(rs.getTimestamp("at"))).one()));
    }

    /** The readers of live taps. */
    public List<TapRead> reads() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, topic, reader FROM taps WHERE deleted_at IS NULL AND reader IS NOT NULL")
                .map((rs, ctx) -> new TapRead(rs.getString("reader"), rs.getString("topic"),
                        TapAccess.groupPrefix(rs.getString("name")))).list());
    }

    /** Every tap, deleted ones too. */
    public List<Tap> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM taps ORDER BY name").map(rows).list());
    }

    /** Deleted taps whose topic's retention has passed. */
    public List<Tap> expired(Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM taps WHERE deleted_at IS NOT NULL
                        AND deleted_at + retention_ms * interval '1 millisecond' <= :now ORDER BY name""")
                .bind("now", Timestamp.from(now)).map(rows).list());
    }

    /** Inserts a new tap; false when the name is taken (by a live tap or one whose topic is not yet deleted). */
    public boolean insert(Tap t) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        INSERT INTO taps (name, topic, filter, payload, hmac_key, retention_ms, partitions, reader, created_by)
                        VALUES (:name, :topic, CAST(:filter AS jsonb), CAST(:payload AS jsonb), :key, :retention, :partitions,
                                :reader, :by)
                        ON CONFLICT (name) DO NOTHING""")
                .bind("name", t.name()).bind("topic", t.topic()).bind("filter", json(t.filter()))
                .bind("payload", json(t.payload())).bind("key", t.hmacKey()).bind("retention", t.retentionMs())
                .bind("partitions", t.partitions()).bind("reader", t.reader()).bind("by", t.createdBy()).execute() == 1);
    }

    /** Changes what a live tap takes and shows; false when there is no such live tap. */
    public boolean update(Tap t) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE taps SET filter = CAST(:filter AS jsonb), payload = CAST(:payload AS jsonb),
                            retention_ms = :retention, reader = :reader, updated_at = now()
                        WHERE name = :name AND deleted_at IS NULL""")
                .bind("name", t.name()).bind("filter", json(t.filter())).bind("payload", json(t.payload()))
                .bind("retention", t.retentionMs()).bind("reader", t.reader()).execute() == 1);
    }

    /** Marks a live tap deleted; false when there is no such live tap. */
    public boolean markDeleted(String name) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE taps SET deleted_at = now() WHERE name = :name AND deleted_at IS NULL")
                .bind("name", name).execute() == 1);
    }

    /** Forgets a deleted tap (its topic is gone). */
    public void remove(String name) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM taps WHERE name = :name AND deleted_at IS NOT NULL")
                .bind("name", name).execute());
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("taps holds bad JSON: " + json, e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
