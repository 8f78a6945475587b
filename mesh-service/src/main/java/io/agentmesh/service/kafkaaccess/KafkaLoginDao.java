package io.agentmesh.service.kafkaaccess;

import org.jdbi.v3.core.Jdbi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which agents have a Kafka login, its generation and the generation Kafka was last told of
 * (PostgreSQL; no secrets). A generation only grows: a revoked login keeps its row, so an agent
 * registered again never gets an earlier password back.
 */
final class KafkaLoginDao {

    /** A login that should exist: its generation, and whether Kafka has been told of exactly that one. */
    record Wanted(int generation, boolean applied) {
    }

    private final Jdbi jdbi;

    KafkaLoginDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The agent's next login generation (1 for its first); the previous generation stops being wanted. */
    int nextGeneration(String agentId) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO kafka_logins (agent_id, generation) VALUES (:id, 1) "
                        + "ON CONFLICT (agent_id) DO UPDATE SET generation = kafka_logins.generation + 1, "
                        + "revoked_at = NULL, updated_at = now() RETURNING generation")
                .bind("id", agentId).mapTo(Integer.class).one());
    }

    /** Notes that Kafka holds this generation (unless a later one was handed out meanwhile). */
    void applied(String agentId, int generation) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE kafka_logins SET applied_generation = :g "
                        + "WHERE agent_id = :id AND generation = :g")
                .bind("id", agentId).bind("g", generation).execute());
    }

    void revoke(String agentId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE kafka_logins SET revoked_at = now(), updated_at = now() "
                + "WHERE agent_id = :id").bind("id", agentId).execute());
    }

    /** The logins that should exist: every live login of an agent that is not deregistered. */
    Map<String, Wanted> wanted() {
        return jdbi.withHandle(h -> {
            Map<String, Wanted> out = new LinkedHashMap<>();
            h.createQuery("SELECT k.agent_id, k.generation, k.applied_generation FROM kafka_logins k "
                            + "JOIN agents a ON a.id = k.agent_id WHERE k.revoked_at IS NULL AND a.status <> 'deregistered'")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), new Wanted(rs.getInt(2), rs.getInt(2) == rs.getInt(3))))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }
}
