package io.agentmesh.service.delivery;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/** The committed position of the agent's inbox after an ack. */
public record AckResult(@JsonProperty("agent_id") String agentId,
                        @JsonProperty("committed") Map<Integer, Long> committed) {
}
