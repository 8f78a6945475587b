package io.agentmesh.service.health;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of an agent's health history. {@code source}: check (the checks' verdict went from
 * {@code previous} to {@code status}), override, override-cleared, override-expired, flapping,
 * reset. {@code effective} is the agent's status afterwards.
 */
public record HealthEvent(@JsonProperty("agent_id") String agentId,
                          @JsonProperty("source") String source,
                          @JsonProperty("previous") String previous,
                          @JsonProperty("status") String status,
                          @JsonProperty("effective") String effective,
                          @JsonProperty("reason") String reason,
                          @JsonProperty("at") String at) {

    public HealthEvent(String agentId, String source, String previous, String status, String effective, String reason) {
        this(agentId, source, previous, status, effective, reason, null);
    }
}
