package io.agentmesh.service.kafkaaccess;

import org.jdbi.v3.core.Jdbi;

import java.util.LinkedHashMap;
import java.util.Map;

/** Which agents have a Kafka login, and its generation (PostgreSQL; no secrets). */
final class KafkaLoginDao {

    private final Jdbi jdbi;

    KafkaLoginDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The agent's next login generation (1 for its first); the previous generation stops being wanted. */
    int nextGeneration(String agentId) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO kafka_logins (agent_id, generation) VALUES (:id, 1) "
                        + "ON CONFLICT (agent_id) DO UPDATE SET generation = kafka_logins.generation + 1, updated_at = now() "
                        + "RETURNING generation")
                .bind("id", agentId).mapTo(Integer.class).one());
    }

    void delete(String agentId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM kafka_logins WHERE agent_id = :id").bind("id", agentId).execute());
    }

    /** The logins that should exist: agent id → generation, for every agent that is not deregistered. */
    Map<String, Integer> wanted() {
        return jdbi.withHandle(h -> {
            Map<String, Integer> out = new LinkedHashMap<>();
            h.createQuery("SELECT k.agent_id, k.generation FROM kafka_logins k JOIN agents a ON a.id = k.agent_id "
                            + "WHERE a.status <> 'deregistered'")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }
}
