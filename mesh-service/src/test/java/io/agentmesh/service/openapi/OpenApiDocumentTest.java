package io.agentmesh.service.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.delivery.AgentReplayResource;
import io.agentmesh.service.messaging.MessageResource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiDocumentTest {

    @Test
    void oneOperationKeepsEveryMediaTypeOfTheMethodsThatServeIt() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(new OpenApiDocument("test")
                .json(List.of(MessageResource.class, AgentReplayResource.class)));
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        // POST /api/v1/messages: JSON by one method, a structured CloudEvent by another
        JsonNode send = doc.path("paths").path("/api/v1/messages").path("post");
        assertThat(send.path("requestBody").path("content").has("application/json")).isTrue();
        assertThat(send.path("requestBody").path("content").has("application/cloudevents+json")).isTrue();
        // POST .../replay: JSON, or NDJSON progress when asked for it
        JsonNode replay = doc.path("paths").path("/api/v1/agents/{id}/replay").path("post");
        assertThat(replay.toString()).contains("application/x-ndjson", "application/json");
        // every operation says how it fails
        assertThat(send.path("responses").path("4XX").path("content").has("application/problem+json")).isTrue();
        assertThat(doc.path("components").path("schemas").path("Problem").path("properties").has("type")).isTrue();
        assertThat(doc.path("paths").has("/metrics")).isTrue();
    }
}
