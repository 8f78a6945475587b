package io.agentmesh.service.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A registration's answer: the agent, plus its API key and Kafka login when they were issued
 * (shown only this once).
 */
public record RegisteredAgent(@JsonUnwrapped AgentView agent,
                              @JsonProperty("api_key") @JsonInclude(JsonInclude.Include.NON_NULL) String apiKey,
                              @JsonProperty("kafka") @JsonInclude(JsonInclude.Include.NON_NULL)
                              AgentKafkaAccess.Login kafka) {
}
