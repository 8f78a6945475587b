package io.agentmesh.streams.envelope;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetTest {

    @Test
    void parsesEveryScheme() {
        assertThat(Target.parse("agent:b-1")).isEqualTo(new Target(Target.Kind.AGENT, "b-1"));
        assertThat(Target.parse("b-1")).isEqualTo(new Target(Target.Kind.AGENT, "b-1"));
        assertThat(Target.parse("capability:llm-routing")).isEqualTo(new Target(Target.Kind.CAPABILITY, "llm-routing"));
        assertThat(Target.parse("namespace:production")).isEqualTo(new Target(Target.Kind.NAMESPACE, "production"));
        assertThat(Target.parse("broadcast").kind()).isEqualTo(Target.Kind.BROADCAST);
        assertThat(Target.parse("agent:b-1")).hasToString("agent:b-1");
        assertThat(Target.parse("capability:summarize@team-a")).isEqualTo(Target.capabilityIn("summarize", "team-a"))
                .hasToString("capability:summarize@team-a");
        assertThat(Target.parse("capability:summarize@team-a").namespace()).isEqualTo("team-a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "agent:", "agent:B", "Agent-B", "queue:x", "capability:", "capability:UPPER",
            "namespace:a b", "agent:-x", "a_b", "capability:x@", "capability:@ns", "capability:x@A", "capability:x@a@b"})
    void rejectsBadSyntaxWithAReason(String raw) {
        assertThatThrownBy(() -> Target.parse(raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("null");
    }
}
