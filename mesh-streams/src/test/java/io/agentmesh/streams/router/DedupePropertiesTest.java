package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.MeshHeaders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DedupePropertiesTest {

    /** Whatever ids arrive, in whatever order and repetition, the inbox holds the first of each, once, in order. */
    @Property(tries = 50)
    void dedupeKeepsExactlyTheFirstOfEachId(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 12) Integer> sends) {
        try (RouterFixture mesh = new RouterFixture(new RouterPolicy(Duration.ofMinutes(10), 1024))) {
            mesh.agent("b");
            int n = 0;
            for (int id : sends) {
                // the payload differs per send, so only the id can make two sends "the same"
                mesh.send("id-" + id, "agent:b", "key-" + (n++ % 3));
            }
            List<String> expected = new LinkedHashSet<>(sends.stream().map(i -> "id-" + i).toList()).stream().toList();
            var inbox = mesh.inbox("b").readRecordsToList();
            assertThat(inbox).extracting(r -> TestEvents.header(r.headers(), MeshHeaders.ID)).containsExactlyElementsOf(expected);
        }
    }
}
