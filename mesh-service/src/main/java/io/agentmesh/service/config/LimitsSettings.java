package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-caller rate limits (token buckets, per node): messages an agent sends, agents an owner
 * registers. Namespaces and single agents may have their own send rate. They apply to
 * authenticated callers; operators' sends are not limited, and open mode has no identities to limit.
 */
public class LimitsSettings {

    @JsonProperty
    private boolean enabled = true;

    /** Messages per agent (a batch counts each message). */
    @Valid @NotNull @JsonProperty
    private Rate sends = new Rate(1000, Duration.seconds(1), 2000);

    /** Registrations per owner (the credential that registers). */
    @Valid @NotNull @JsonProperty
    private Rate registrations = new Rate(20, Duration.seconds(1), 200);

    /** Send rate of the agents of a namespace, replacing {@code sends}. */
    @Valid @NotNull @JsonProperty
    private Map<String, Rate> namespaces = new LinkedHashMap<>();

    /** Send rate of one agent, replacing its namespace's and the default. */
    @Valid @NotNull @JsonProperty
    private Map<String, Rate> agents = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public Rate getSends() {
        return sends;
    }

    public Rate getRegistrations() {
        return registrations;
    }

    public Map<String, Rate> getNamespaces() {
        return namespaces;
    }

    public Map<String, Rate> getAgents() {
        return agents;
    }

    /** {@code tokens} per {@code per}, at most {@code burst} at once. */
    public static class Rate {

        @Min(1) @JsonProperty
        private long tokens = 1;

        @NotNull @JsonProperty
        private Duration per = Duration.seconds(1);

        @Min(1) @JsonProperty
        private long burst = 1;

        public Rate() {
        }

        public Rate(long tokens, Duration per, long burst) {
            this.tokens = tokens;
            this.per = per;
            this.burst = burst;
        }

        public long getTokens() {
            return tokens;
        }

        public java.time.Duration per() {
            return per.toJavaDuration();
        }

        public long getBurst() {
            return burst;
        }

        @Override
        public String toString() {
            return tokens + " per " + per + " (burst " + burst + ")";
        }
    }
}
