package io.agentmesh.service.delivery;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/** Body of POST /api/v1/agents/{id}/messages/ack: partition &rarr; next offset to read. */
public record AckRequest(@JsonProperty("offsets") Map<Integer, Long> offsets) {
}
