package io.agentmesh.service.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentValidatorTest {

    private final AgentValidator validator = new AgentValidator(new ObjectMapper(), java.util.Set.of("mesh-router"));

    private static RegisterCommand named(String id, String name) {
        return new RegisterCommand(id, name, null, null, null, null);
    }

    @Test
    void fillsDefaultsAndDeduplicatesCapabilities() {
        RegisterCommand c = validator.validate(new RegisterCommand(null, " Planner ", null,
                List.of("plan", "chat", "plan"), "https://agents.example/p", Map.of("k", 1)));
        assertThat(c.id()).matches("[0-9a-f-]{36}");
        assertThat(c.name()).isEqualTo("Planner");
        assertThat(c.namespace()).isEqualTo("default");
        assertThat(c.capabilities()).containsExactly("plan", "chat");
        assertThat(c.endpoint()).isEqualTo("https://agents.example/p");
    }

    @Test
    void rejectsEachBadFieldNamingIt() {
        expectField(named("Bad_Id", "x"), "id");
        expectField(named("a".repeat(65), "x"), "id");
        expectField(named("ok", null), "name");
        expectField(named("ok", " "), "name");
        expectField(named("ok", "bell\u0007"), "name");
        // Postgres's jsonb cannot hold NUL: refused as the caller's, in a value, a key or a list
        expectField(new RegisterCommand("ok", "x", null, null, null, Map.of("note", "a\u0000b")), "metadata");
        expectField(new RegisterCommand("ok", "x", null, null, null, Map.of("k\u0000", 1)), "metadata");
        expectField(new RegisterCommand("ok", "x", null, null, null, Map.of("tags", List.of("x", Map.of("y", "\u0000")))),
                "metadata");
        expectField(new RegisterCommand("ok", "x", "Prod", null, null, null), "namespace");
        // ids the API's own paths use could never be read back
        expectField(new RegisterCommand("count", "x", null, null, null, null), "id");
        expectField(new RegisterCommand("reregister", "x", null, null, null, null), "id");
        // an agent's Kafka consumer group is its id: the router's group is not to be had
        expectField(new RegisterCommand("mesh-router", "x", null, null, null, null), "id");
        expectField(new RegisterCommand("ok", "x", null, List.of("LLM"), null, null), "capabilities");
        expectField(new RegisterCommand("ok", "x", null, java.util.Collections.nCopies(65, "c"), null, null), "capabilities");
        expectField(new RegisterCommand("ok", "x", null, null, "localhost:3001", null), "endpoint");
        expectField(new RegisterCommand("ok", "x", null, null, "ftp://h/x", null), "endpoint");
        expectField(new RegisterCommand("ok", "x", null, null, "http://bad host/", null), "endpoint");
        expectField(new RegisterCommand("ok", "x", null, null, null, Map.of("blob", "x".repeat(17_000))), "metadata");
    }

    private void expectField(RegisterCommand c, String field) {
        assertThatThrownBy(() -> validator.validate(c)).isInstanceOfSatisfying(MeshException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.details()).containsEntry("field", field);
        });
    }
}
