package io.agentmesh.service.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;
import java.util.Optional;

/** Send policies in PostgreSQL. */
public final class PolicyDao {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    private final ObjectMapper mapper;
    private final RowMapper<SendPolicy> rows;

    public PolicyDao(Jdbi jdbi, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.mapper = mapper;
        this.rows = (rs, ctx) -> new SendPolicy(rs.getString("namespace"), list(rs.getString("namespaces")),
                list(rs.getString("capabilities")), list(rs.getString("agents")), rs.getBoolean("broadcast"), false);
    }

    public Optional<SendPolicy> find(String namespace) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM send_policies WHERE namespace = :ns")
                .bind("ns", namespace).map(rows).findOne());
    }

    public List<SendPolicy> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM send_policies ORDER BY namespace").map(rows).list());
    }

    public void upsert(SendPolicy p, String by) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO send_policies (namespace, namespaces, capabilities, agents, broadcast, updated_by)
                        VALUES (:ns, CAST(:namespaces AS jsonb), CAST(:capabilities AS jsonb), CAST(:agents AS jsonb),
                                :broadcast, :by)
                        ON CONFLICT (namespace) DO UPDATE SET namespaces = excluded.namespaces,
                            capabilities = excluded.capabilities, agents = excluded.agents, broadcast = excluded.broadcast,
                            updated_at = now(), updated_by = excluded.updated_by""")
                .bind("ns", p.namespace()).bind("namespaces", json(p.namespaces()))
                .bind("capabilities", json(p.capabilities())).bind("agents", json(p.agents()))
                .bind("broadcast", p.broadcast()).bind("by", by).execute());
    }

    public boolean delete(String namespace) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM send_policies WHERE namespace = :ns")
                .bind("ns", namespace).execute() == 1);
    }

    private String json(List<String> values) {
        try {
            return mapper.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> list(String json) {
        try {
            return mapper.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("send_policies holds bad JSON: " + json, e);
        }
    }
}
