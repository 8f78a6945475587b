package io.agentmesh.service.health;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.Optional;

/** Settings changed at run time, as JSON text under a name (table mesh_settings). */
public final class SettingsDao {

    private final Jdbi jdbi;

    public SettingsDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Optional<Stored> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT value::text AS value, updated_at FROM mesh_settings WHERE name = :n")
                .bind("n", name)
                .map((rs, ctx) -> new Stored(rs.getString("value"),
                        rs.getObject("updated_at", java.time.OffsetDateTime.class).toInstant().toString()))
                .findOne());
    }

    public String save(Handle h, String name, String json) {
        return h.createQuery("INSERT INTO mesh_settings (name, value) VALUES (:n, CAST(:v AS jsonb)) "
                        + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = now() RETURNING updated_at")
                .bind("n", name).bind("v", json)
                .map((rs, ctx) -> rs.getObject("updated_at", java.time.OffsetDateTime.class).toInstant().toString())
                .one();
    }

    public record Stored(String json, String updatedAt) {
    }
}
