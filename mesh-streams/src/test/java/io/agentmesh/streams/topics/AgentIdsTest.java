package io.agentmesh.streams.topics;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written check agrees with the rule's regular expression, on chosen and on random ids. */
class AgentIdsTest {

    private static final Pattern RULE = Pattern.compile("[a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?");

    @Test
    void chosenIds() {
        for (String ok : new String[]{"a", "7", "agent-1", "a.b-c", "x".repeat(64)}) {
            assertThat(AgentIds.isValid(ok)).as(ok).isTrue();
        }
        for (String bad : new String[]{"", "-a", "a-", ".a", "a.", "A", "agent_1", "a b", "x".repeat(65), "é"}) {
            assertThat(AgentIds.isValid(bad)).as(bad).isFalse();
        }
        assertThat(AgentIds.isValid(null)).isFalse();
    }

    @Test
    void agreesWithTheRegexOnRandomIds() {
        Random random = new Random(42);
        String alphabet = "abz09.-A_ é";
        for (int i = 0; i < 200_000; i++) {
            int length = random.nextInt(68);
            StringBuilder b = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String id = b.toString();
            assertThat(AgentIds.isValid(id)).as(id).isEqualTo(RULE.matcher(id).matches());
        }
    }
}
