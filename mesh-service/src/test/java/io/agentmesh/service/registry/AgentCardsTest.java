package io.agentmesh.service.registry;

import io.agentmesh.service.errors.MeshException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentCardsTest {

    @Test
    void skillIdsAndTagsBecomeNormalizedCapabilities() {
        Map<String, Object> card = Map.of("name", "x", "skills", List.of(
                Map.of("id", "Route_Optimizer", "tags", List.of("Travel Planning", "  maps!! ", "maps", "***")),
                Map.of("id", "booking")));
        assertThat(AgentCards.capabilities(card)).containsExactly("route_optimizer", "travel-planning", "maps", "booking");
        assertThat(AgentCards.normalize("x".repeat(80))).hasSize(64);
    }

    @Test
    void malformedCardsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> AgentCards.check(Map.of("name", " "))).isInstanceOf(MeshException.class)
                .hasMessageContaining("card.name");
        assertThatThrownBy(() -> AgentCards.check(Map.of("name", "x", "version", 2))).hasMessageContaining("card.version");
        assertThatThrownBy(() -> AgentCards.check(Map.of("name", "x", "skills", List.of("a")))).hasMessageContaining("card.skills[0]");
        assertThatThrownBy(() -> AgentCards.check(Map.of("name", "x", "skills", List.of(Map.of("id", "a", "name", 3)))))
                .hasMessageContaining("card.skills[0].name");
    }

    @Test
    void anAgentWithoutACardGetsOneFromItsRegistration() {
        AgentRecord r = new AgentRecord("a", "Agent A", "default", List.of("chat", "plan"), "http://h:1",
                Map.of("description", "does things"), "active", Instant.EPOCH, Instant.EPOCH, null, null, Instant.EPOCH, null, null, "pull", null, "registration", null);
        Map<String, Object> card = AgentCards.cardOf(r);
        assertThat(card).containsEntry("name", "Agent A").containsEntry("url", "http://h:1")
                .containsEntry("description", "does things");
        assertThat((List<?>) card.get("skills")).hasSize(2);
    }

    @Test
    void accentsAreTransliteratedAndATagWithNothingUsableIsRefusedNotDropped() {
        assertThat(AgentCards.normalize("ÜBER")).isEqualTo("uber");
        assertThat(AgentCards.normalize("Straße Café")).isEqualTo("strasse-cafe");
        Map<String, Object> card = Map.of("name", "x", "skills", List.of(Map.of("id", "ok", "tags", List.of("日本"))));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AgentCards.check(card))
                .isInstanceOf(io.agentmesh.service.errors.MeshException.class)
                .hasMessageContaining("card.skills[0].tags");
    }
}
