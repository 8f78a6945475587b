package io.agentmesh.service.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentmesh.service.core.AgentRecord;

import java.util.List;
import java.util.Map;

/** An agent as REST answers it. */
public record AgentView(@JsonProperty("id") String id,
                        @JsonProperty("name") String name,
                        @JsonProperty("namespace") String namespace,
                        @JsonProperty("capabilities") List<String> capabilities,
                        @JsonProperty("endpoint") String endpoint,
                        @JsonProperty("metadata") Map<String, Object> metadata,
                        @JsonProperty("status") String status,
                        @JsonProperty("inbox_topic") String inboxTopic,
                        @JsonProperty("created_at") String createdAt,
                        @JsonProperty("updated_at") String updatedAt) {

    public static AgentView of(AgentRecord r, String inboxTopic) {
        return new AgentView(r.id(), r.name(), r.namespace(), r.capabilities(), r.endpoint(), r.metadata(),
                r.status(), inboxTopic, r.createdAt().toString(), r.updatedAt().toString());
    }
}
