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
     * The routing guarantee: {@code exactly_once} (the default: a routed message reaches each inbox
     * once, even across router crashes; readers see it when the router's transaction commits) or
     * {@code at_least_once} (lower latency and CPU; after a router crash a message may reach an inbox
     * twice). docs/guarantees.md states the trade-off.
     */
    @NotNull
    @jakarta.validation.constraints.Pattern(regexp = "exactly_once|at_least_once",
            message = "must be exactly_once or at_least_once")
    @JsonProperty
    private String guarantee = EXACTLY_ONCE;

    public static final String EXACTLY_ONCE = "exactly_once";
    public static final String AT_LEAST_ONCE = "at_least_once";

    /**
     * Kafka Streams settings, e.g. commit.interval.ms (the latency floor under exactly-once) and
     * num.stream.threads. A processing.guarantee here must agree with {@code guarantee}.
     */
    @NotNull
    @JsonProperty
    private Map<String, String> properties = new LinkedHashMap<>();

    public String getGuarantee() {
        return guarantee;
    }

    /** Kafka Streams' processing.guarantee for {@link #getGuarantee()}. */
    public String processingGuarantee() {
        return AT_LEAST_ONCE.equals(guarantee) ? "at_least_once" : "exactly_once_v2";
    }

    /** A processing.guarantee in {@code properties} that says otherwise than {@code guarantee} is a mistake. */
    @jakarta.validation.constraints.AssertTrue(message = "properties.processing.guarantee contradicts guarantee: set only "
            + "streams.guarantee (exactly_once or at_least_once)")
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isGuaranteeConsistent() {
        String raw = properties == null ? null : properties.get("processing.guarantee");
        return raw == null || raw.equals(processingGuarantee());
    }

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
