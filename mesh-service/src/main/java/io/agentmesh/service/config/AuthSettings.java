package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * Who may call the mesh. On by default: every REST and gRPC call carries a credential (an agent's
 * API key or JWT, an operator's token). Off only on a loopback bind (dev), unless
 * {@code allowOpenOnNonLoopback} says otherwise explicitly.
 */
public class AuthSettings {

    @JsonProperty
    private boolean enabled = true;

    /** Run open on a non-loopback address anyway (anyone who reaches the port owns the mesh). */
    @JsonProperty
    private boolean allowOpenOnNonLoopback = false;

    /**
     * Where to write a bootstrap admin token at start when no admin credential exists yet (file
     * mode 600); empty: none is made (create one with ./mesh auth bootstrap on the database).
     */
    @NotNull
    @JsonProperty
    private String bootstrapTokenFile = "";

    /**
     * An admin token to accept when no admin credential exists yet (a deployment's secret, e.g.
     * {@code MESH_BOOTSTRAP_TOKEN}); stored hashed as operator {@code bootstrap-admin}. Empty: none.
     */
    @NotNull
    @JsonProperty
    private String bootstrapToken = "";

    /**
     * A viewer token for the Prometheus scrape job (a deployment secret, {@code MESH_METRICS_TOKEN});
     * stored hashed as viewer {@code prometheus} when no live credential of that name exists. Empty: none.
     */
    @NotNull
    @JsonProperty
    private String metricsToken = "";

    public String getMetricsToken() {
        return metricsToken;
    }

    /** How long a node keeps a looked-up credential (a revocation clears it on every node at once). */
    @NotNull
    @JsonProperty
    private io.dropwizard.util.Duration credentialCache = io.dropwizard.util.Duration.seconds(30);

    @Valid @NotNull @JsonProperty
    private JwtSettings jwt = new JwtSettings();

    public String getBootstrapToken() {
        return bootstrapToken;
    }

    public java.time.Duration credentialCache() {
        return credentialCache.toJavaDuration();
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public void setAllowOpenOnNonLoopback(boolean allow) {
        this.allowOpenOnNonLoopback = allow;
    }

    public boolean isAllowOpenOnNonLoopback() {
        return allowOpenOnNonLoopback;
    }

    public String getBootstrapTokenFile() {
        return bootstrapTokenFile;
    }

    public void setBootstrapTokenFile(String bootstrapTokenFile) {
        this.bootstrapTokenFile = bootstrapTokenFile;
    }

    public JwtSettings getJwt() {
        return jwt;
    }

    /** Agents may present a JWT of the deployment's identity provider instead of a mesh API key. */
    public static class JwtSettings {

        /** Empty: JWTs are not accepted. */
        @NotNull
        @JsonProperty
        private String jwksUrl = "";

        @NotNull
        @JsonProperty
        private String issuer = "";

        @NotNull
        @JsonProperty
        private String audience = "";

        /** The claim that names the agent id. */
        @NotNull
        @JsonProperty
        private String agentClaim = "agent_id";

        /**
         * The claim that names the agent's namespace; when set, an agent may make its own first
         * registration (into that namespace). Empty: its owner or an operator registers it first.
         */
        @NotNull
        @JsonProperty
        private String namespaceClaim = "";

        public String getNamespaceClaim() {
            return namespaceClaim;
        }

        public boolean enabled() {
            return !jwksUrl.isBlank();
        }

        public String getJwksUrl() {
            return jwksUrl;
        }

        public String getIssuer() {
            return issuer;
        }

        public String getAudience() {
            return audience;
        }

        public String getAgentClaim() {
            return agentClaim;
        }
    }
}
