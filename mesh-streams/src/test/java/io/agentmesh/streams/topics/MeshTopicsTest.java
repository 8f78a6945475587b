package io.agentmesh.streams.topics;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class MeshTopicsTest {

    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private final MeshTopics topics = MeshTopics.defaults();

    @Provide
    Arbitrary<String> agentIds() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789.-")
                .ofMinLength(1).ofMaxLength(AgentIds.MAX_LENGTH)
                .filter(AgentIds::isValid);
    }

    @Provide
    Arbitrary<String> anyStrings() {
        return Arbitraries.strings().all().ofMaxLength(80);
    }

    @Property
    void inboxIsALegalTopicWithinThePrefix(@ForAll("agentIds") String id) {
        String topic = topics.inbox(id);
        assertThat(topic).matches(LEGAL_TOPIC).startsWith("mesh.agent.");
        assertThat(topic).doesNotContain("_");
    }

    @Property
    void inboxIsInjective(@ForAll("agentIds") String a, @ForAll("agentIds") String b) {
        assertThat(topics.inbox(a).equals(topics.inbox(b))).isEqualTo(a.equals(b));
        assertThat(topics.agentOf(topics.inbox(a))).contains(a);
    }

    @Property
    void onlyValidIdsMakeTopics(@ForAll("anyStrings") String s) {
        if (AgentIds.isValid(s)) {
            assertThat(topics.inbox(s)).matches(LEGAL_TOPIC);
        } else {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> topics.inbox(s))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
