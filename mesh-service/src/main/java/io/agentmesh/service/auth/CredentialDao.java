package io.agentmesh.service.auth;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Credentials in PostgreSQL (hashes only, never the secrets). */
public final class CredentialDao {

    /** A live credential as a lookup finds it. */
    public record Found(long id, String kind, String subject, String role) {
    }

    private static final String COLUMNS = "id, kind, subject, role, created_at, created_by, revoked_at";
    private static final RowMapper<Map<String, Object>> DESCRIBED = (rs, ctx) -> {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", rs.getLong("id"));
        row.put("kind", rs.getString("kind"));
        row.put("subject", rs.getString("subject"));
        row.put("role", rs.getString("role"));
        row.put("created_at", rs.getObject("created_at", OffsetDateTime.class).toInstant().toString());
        row.put("created_by", rs.getString("created_by"));
        OffsetDateTime revoked = rs.getObject("revoked_at", OffsetDateTime.class);
        row.put("revoked_at", revoked == null ? null : revoked.toInstant().toString());
        return row;
    };

    private final Jdbi jdbi;

    public CredentialDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public long insert(String kind, String subject, Role role, String keyHash, String createdBy) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO credentials (kind, subject, role, key_hash, created_by) "
                        + "VALUES (:kind, :subject, :role, :hash, :by) RETURNING id")
                .bind("kind", kind).bind("subject", subject).bind("role", role == null ? null : role.wire())
                .bind("hash", keyHash).bind("by", createdBy).mapTo(Long.class).one());
    }

    /** Revokes a subject's live credentials and stores a new one, in one transaction; whether any was revoked. */
    public boolean replaceSubject(String kind, String subject, String keyHash, String createdBy) {
        return jdbi.inTransaction(h -> {
            int revoked = h.createUpdate("UPDATE credentials SET revoked_at = now() "
                            + "WHERE kind = :kind AND subject = :subject AND revoked_at IS NULL")
                    .bind("kind", kind).bind("subject", subject).execute();
            h.createUpdate("INSERT INTO credentials (kind, subject, key_hash, created_by) "
                            + "VALUES (:kind, :subject, :hash, :by)")
                    .bind("kind", kind).bind("subject", subject).bind("hash", keyHash).bind("by", createdBy).execute();
            return revoked > 0;
        });
    }

    public Optional<Found> findLive(String keyHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, kind, subject, role FROM credentials "
                        + "WHERE key_hash = :hash AND revoked_at IS NULL")
                .bind("hash", keyHash)
                .map((rs, ctx) -> new Found(rs.getLong("id"), rs.getString("kind"), rs.getString("subject"),
                        rs.getString("role")))
                .findOne());
    }

    public Optional<Found> findById(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, kind, subject, role FROM credentials WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Found(rs.getLong("id"), rs.getString("kind"), rs.getString("subject"),
                        rs.getString("role")))
                .findOne());
    }

    /** Revokes every live credential of a subject; returns how many. */
    public int revokeSubject(String kind, String subject) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE credentials SET revoked_at = now() "
                        + "WHERE kind = :kind AND subject = :subject AND revoked_at IS NULL")
                .bind("kind", kind).bind("subject", subject).execute());
    }

    public boolean revoke(long id) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE credentials SET revoked_at = now() "
                + "WHERE id = :id AND revoked_at IS NULL").bind("id", id).execute() == 1);
    }

    public boolean hasLive(String kind, String subject) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM credentials WHERE kind = :kind "
                        + "AND subject = :subject AND revoked_at IS NULL")
                .bind("kind", kind).bind("subject", subject).mapTo(Long.class).one() > 0);
    }

    /** Whether a credential with this hash was ever stored (live or revoked). */
    public boolean hashExists(String keyHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM credentials WHERE key_hash = :hash")
                .bind("hash", keyHash).mapTo(Long.class).one() > 0);
    }

    public boolean anyLiveAdmin() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM credentials WHERE kind = 'operator' "
                + "AND role = 'admin' AND revoked_at IS NULL").mapTo(Long.class).one() > 0);
    }

    public Optional<Map<String, Object>> describe(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM credentials WHERE id = :id")
                .bind("id", id).map(DESCRIBED).findOne());
    }

    /** Credentials without their secrets, newest first (kind null: both kinds). */
    public List<Map<String, Object>> list(String kind, boolean includeRevoked) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM credentials "
                        + "WHERE (CAST(:kind AS TEXT) IS NULL OR kind = :kind) AND (:all OR revoked_at IS NULL) "
                        + "ORDER BY id DESC LIMIT 1000")
                .bind("kind", kind).bind("all", includeRevoked)
                .map(DESCRIBED).list());
    }
}
