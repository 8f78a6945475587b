package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.OneOf;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.concurrent.TimeUnit;

/**
 * Kafka logins for agents that read their inbox topic directly: a SCRAM principal per agent,
 * created with its API key, with ACLs for its topic and its consumer group only (docs/security.md).
 */
public class KafkaAgentAccess {

    @JsonProperty
    private boolean enabled = false;

    /** What agents are told to connect to; empty: kafka.bootstrapServers. */
    @NotNull
    @JsonProperty
    private String bootstrap = "";

    /** What agents are told to use; empty: kafka.security.protocol. */
    @NotNull
    @Pattern(regexp = "|SASL_PLAINTEXT|SASL_SSL", message = "must be empty, SASL_PLAINTEXT or SASL_SSL")
    @JsonProperty
    private String securityProtocol = "";

    @NotNull
    @OneOf({"SCRAM-SHA-256", "SCRAM-SHA-512"})
    @JsonProperty
    private String mechanism = "SCRAM-SHA-512";

    /**
     * Agents' Kafka user names are this plus the agent id, so no agent id can name the mesh's,
     * the broker's or an operator's principal.
     */
    @NotNull
    @Pattern(regexp = "[a-z][a-z0-9._-]{0,31}[-._]")
    @JsonProperty
    private String principalPrefix = "agent-";

    /**
     * The secret agents' Kafka passwords are derived from (HMAC of the agent id and its key
     * generation), so the leader can restore a deleted credential; a deployment secret, the same on
     * every node, at least 32 characters.
     */
    @NotNull
    @JsonProperty
    private String passwordSecret = "";

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration reconcileInterval = Duration.minutes(1);

    @ValidationMethod(message = "kafka.agentAccess.passwordSecret must be at least 32 characters when agent access is enabled")
    @JsonIgnore
    public boolean isSecretSet() {
        return !enabled || passwordSecret.length() >= 32;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getBootstrap() {
        return bootstrap;
    }

    public String getSecurityProtocol() {
        return securityProtocol;
    }

    public String getMechanism() {
        return mechanism;
    }

    public String getPrincipalPrefix() {
        return principalPrefix;
    }

    public String getPasswordSecret() {
        return passwordSecret;
    }

    public void setPasswordSecret(String passwordSecret) {
        this.passwordSecret = passwordSecret;
    }

    public Duration getReconcileInterval() {
        return reconcileInterval;
    }
}
