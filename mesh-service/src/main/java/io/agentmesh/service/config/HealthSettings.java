package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.util.concurrent.TimeUnit;

/**
 * Active health checks and registry chores. The check settings are the defaults; PUT /api/v1/config
 * changes them at run time for the whole cluster (the change is kept in Postgres).
 */
public class HealthSettings {

    @NotNull
    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration checkInterval = Duration.seconds(30);

    @NotNull
    @MinDuration(value = 50, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration checkTimeout = Duration.seconds(5);

    /** Consecutive failed checks that make an agent unhealthy. */
    @Min(1) @Max(100)
    @JsonProperty
    private int unhealthyThreshold = 3;

    /** Consecutive good checks that make it healthy again. */
    @Min(1) @Max(100)
    @JsonProperty
    private int healthyThreshold = 2;

    /** More check verdict changes than this within a minute mark the agent flapping. */
    @Min(1) @Max(1000)
    @JsonProperty
    private int flappingThreshold = 10;

    /** Health events kept per agent. */
    @Min(10) @Max(100_000)
    @JsonProperty
    private int historyLimit = 200;

    @Min(1) @Max(1024)
    @JsonProperty
    private int maxConcurrentChecks = 64;

    /** How often the leader looks for agents whose heartbeats stopped. */
    @NotNull
    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration expirySweepInterval = Duration.seconds(5);

    /** How long a deregistered agent's inbox topic is kept before the leader deletes it. */
    @NotNull
    @MinDuration(value = 0, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration deregisteredInboxRetention = Duration.days(7);

    @ValidationMethod(message = "monitor.checkTimeout must be shorter than monitor.checkInterval")
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isTimeoutShorterThanInterval() {
        return checkTimeout == null || checkInterval == null
                || checkTimeout.toMilliseconds() < checkInterval.toMilliseconds();
    }

    public Duration getCheckInterval() {
        return checkInterval;
    }

    public Duration getCheckTimeout() {
        return checkTimeout;
    }

    public int getUnhealthyThreshold() {
        return unhealthyThreshold;
    }

    public int getHealthyThreshold() {
        return healthyThreshold;
    }

    public int getFlappingThreshold() {
        return flappingThreshold;
    }

    public int getHistoryLimit() {
        return historyLimit;
    }

    public int getMaxConcurrentChecks() {
        return maxConcurrentChecks;
    }

    public Duration getExpirySweepInterval() {
        return expirySweepInterval;
    }

    public Duration getDeregisteredInboxRetention() {
        return deregisteredInboxRetention;
    }

    /** How often the leader sweeps the registry for expired agents, as a java.time duration. */
    public java.time.Duration expirySweepInterval() {
        return java.time.Duration.ofMillis(expirySweepInterval.toMilliseconds());
    }
}
