package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.util.concurrent.TimeUnit;

/** The live registry cache. */
public class RedisSettings {

    @NotBlank
    @JsonProperty
    private String uri = "redis://127.0.0.1:6379/0";

    /** How long an agent's live entry lives without a heartbeat. */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration heartbeatTtl = Duration.seconds(30);

    @NotNull
    @MinDuration(value = 50, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration commandTimeout = Duration.seconds(2);

    public String getUri() {
        return uri;
    }

    public Duration getHeartbeatTtl() {
        return heartbeatTtl;
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }
}
