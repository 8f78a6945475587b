package io.agentmesh.service.registry;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Optional;

/**
 * An agent's own login to Kafka, for reading its inbox topic directly: made with its API key
 * (shown once, with it) and removed with its registration. Off unless kafka.agentAccess is on.
 */
public interface AgentKafkaAccess {

    /** What an agent is handed to log in to Kafka. */
    record Login(@JsonProperty("bootstrap") String bootstrap,
                 @JsonProperty("security_protocol") String securityProtocol,
                 @JsonProperty("sasl_mechanism") String saslMechanism,
                 @JsonProperty("username") String username,
                 @JsonProperty("password") String password,
                 @JsonProperty("topic") String topic,
                 @JsonProperty("group") String group) {
    }

    /** A new login for the agent (the previous one stops working); empty when agent access is off. */
    Optional<Login> grant(String agentId);

    /** Removes the agent's login and its ACLs. */
    void revoke(String agentId);

    AgentKafkaAccess NONE = new AgentKafkaAccess() {
        @Override
        public Optional<Login> grant(String agentId) {
            return Optional.empty();
        }

        @Override
        public void revoke(String agentId) {
        }
    };
}
