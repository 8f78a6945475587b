package io.agentmesh.service.registry;

import java.util.List;

/** {@code POST /api/v1/agents/batch}: several registrations in one call (a host starting many agents). */
public record RegisterBatchRequest(@com.fasterxml.jackson.annotation.JsonProperty("agents") List<RegisterAgentRequest> agents) {
}
