package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The router topology: identity, state, and Kafka Streams settings passed through. */
public class StreamsSettings {

    @NotBlank
    @JsonProperty
    private String applicationId = "mesh-router";

    @NotBlank
    @JsonProperty
    private String stateDir = "data/streams";

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration dedupeWindow = Duration.minutes(10);

    /**
     * Kafka Streams settings, e.g. commit.interval.ms (the latency floor under exactly-once) and
     * num.stream.threads. processing.guarantee defaults to exactly_once_v2.
     */
    @NotNull
    @JsonProperty
    private Map<String, String> properties = new LinkedHashMap<>();

    public String getApplicationId() {
        return applicationId;
    }

    public String getStateDir() {
        return stateDir;
    }

    public void setStateDir(String stateDir) {
        this.stateDir = stateDir;
    }

    public Duration getDedupeWindow() {
        return dedupeWindow;
    }

    public Map<String, String> getProperties() {
        return properties;
    }
}
