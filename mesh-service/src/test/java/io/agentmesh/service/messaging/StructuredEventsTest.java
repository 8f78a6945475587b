package io.agentmesh.service.messaging;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StructuredEventsTest {

    @Test
    void readsAttributesMeshExtensionsAndData() {
        SendCommand c = StructuredEvents.toCommand(("{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"urn:a\","
                + "\"type\":\"task.created\",\"datacontenttype\":\"application/json\",\"meshto\":\"agent:b\","
                + "\"meshfrom\":\"a\",\"correlationid\":\"c1\",\"partitionkey\":\"k\",\"tenant\":\"t1\","
                + "\"data\":{\"x\":1}}").getBytes(StandardCharsets.UTF_8));
        assertThat(c.to()).isEqualTo("agent:b");
        assertThat(c.from()).isEqualTo("a");
        assertThat(c.id()).isEqualTo("e1");
        assertThat(c.type()).isEqualTo("task.created");
        assertThat(c.correlationId()).isEqualTo("c1");
        assertThat(c.key()).isEqualTo("k");
        assertThat(c.source()).isEqualTo("urn:a");
        assertThat(new String(c.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":1}");
        assertThat(c.extensions()).containsExactlyEntriesOf(java.util.Map.of("tenant", "t1"));
    }

    @Test
    void rejectsWhatIsNotACloudEvent() {
        for (String body : new String[]{"", "{", "{\"id\":\"1\"}", "{\"specversion\":\"0.1\",\"id\":\"1\",\"source\":\"a\",\"type\":\"t\"}"}) {
            assertThatThrownBy(() -> StructuredEvents.toCommand(body.getBytes(StandardCharsets.UTF_8)))
                    .as(body).isInstanceOfSatisfying(MeshException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_CLOUDEVENT));
        }
    }
}
