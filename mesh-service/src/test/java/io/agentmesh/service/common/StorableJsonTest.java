package io.agentmesh.service.common;

import io.agentmesh.service.errors.MeshException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorableJsonTest {

    @Test
    void refusesNulAnywhereAndNamesTheField() {
        for (Object bad : List.of("a\0", Map.of("k\0", 1), Map.of("k", List.of(1, Map.of("deep", "x\0y"))))) {
            assertThatThrownBy(() -> StorableJson.require("metadata", bad)).isInstanceOf(MeshException.class)
                    .satisfies(e -> assertThat(((MeshException) e).details()).containsEntry("field", "metadata"));
        }
        assertThatCode(() -> StorableJson.require("metadata", Map.of("k", List.of("\\u0000 as text", 1, true))))
                .doesNotThrowAnyException();
    }

    @Test
    void escapedWritesNulAsSixCharactersAndKeepsTheRest() {
        Object out = StorableJson.escaped(Map.of("p\0", List.of("a\0b", 2, Map.of("n", "c"))));
        assertThat(out).isEqualTo(Map.of("p\\u0000", List.of("a\\u0000b", 2, Map.of("n", "c"))));
        assertThatCode(() -> StorableJson.require("x", out)).doesNotThrowAnyException();
    }
}
