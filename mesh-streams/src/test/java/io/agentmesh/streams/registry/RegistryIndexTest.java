package io.agentmesh.streams.registry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryIndexTest {

    private static RegistryEntry agent(String id, String namespace, String status, String... capabilities) {
        return new RegistryEntry(id, id, namespace, List.of(capabilities), null, status, "2026-11-28T10:00:00Z");
    }

    private static List<String> ids(List<RegistryEntry> agents) {
        return agents.stream().map(RegistryEntry::id).toList();
    }

    @Test
    void findsEligibleAgentsByCapabilityAndNamespaceInIdOrder() {
        RegistryIndex index = new RegistryIndex();
        index.upsert(agent("c", "ops", "active", "ocr", "plan"));
        index.upsert(agent("a", "ops", "active", "ocr"));
        index.upsert(agent("b", "lab", "expired", "ocr"));
        index.upsert(agent("d", "lab", "active", "plan"));
        index.health("a", new AgentHealth("unhealthy", null, "test"));

        assertThat(ids(index.withCapability("ocr"))).containsExactly("c");
        assertThat(ids(index.withCapability("plan"))).containsExactly("c", "d");
        assertThat(ids(index.inNamespace("lab"))).containsExactly("d");
        assertThat(ids(index.everyone())).containsExactly("c", "d");
        assertThat(index.withCapability("none")).isEmpty();

        index.health("a", null);
        assertThat(ids(index.withCapability("ocr"))).containsExactly("a", "c");
    }

    @Test
    void anUpdateMovesAnAgentBetweenIndexesAndATombstoneRemovesIt() {
        RegistryIndex index = new RegistryIndex();
        index.upsert(agent("a", "ops", "active", "ocr"));
        index.upsert(agent("a", "lab", "active", "plan"));

        assertThat(index.withCapability("ocr")).isEmpty();
        assertThat(ids(index.withCapability("plan"))).containsExactly("a");
        assertThat(index.inNamespace("ops")).isEmpty();

        index.delete("a");
        assertThat(index.withCapability("plan")).isEmpty();
        assertThat(index.agent("a")).isNull();
        assertThat(index.size()).isZero();
    }

    @Test
    void tellsWhichTargetsAChangeMayHaveMadeRoutable() {
        RegistryIndex index = new RegistryIndex();
        long before = index.version();
        index.upsert(agent("a", "ops", "active", "ocr"));
        List<String> waiting = List.of("agent:a", "capability:ocr", "capability:plan", "namespace:ops", "broadcast", "agent:b");

        assertThat(index.changedSince(before, waiting))
                .containsExactlyInAnyOrder("agent:a", "capability:ocr", "namespace:ops", "broadcast");

        long later = index.version();
        index.health("b", new AgentHealth("healthy", null, null));
        assertThat(index.changedSince(later, waiting)).containsExactly("agent:b");
        assertThat(index.changedSince(index.version(), waiting)).isEmpty();
    }
}
