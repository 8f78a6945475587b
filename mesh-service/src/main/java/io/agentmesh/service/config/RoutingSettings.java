package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentmesh.streams.envelope.Strategy;
import io.agentmesh.streams.router.RetryPolicy;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.concurrent.TimeUnit;

/** How the router picks anycast targets and retries what it cannot route yet. */
public class RoutingSettings {

    @NotNull
    @Pattern(regexp = "round-robin|least-loaded|consistent-hash")
    @JsonProperty
    private String defaultStrategy = "round-robin";

    @NotNull
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration retryInitialDelay = Duration.seconds(1);

    @DecimalMin("1.0") @DecimalMax("10.0")
    @JsonProperty
    private double retryMultiplier = 2.0;

    @NotNull
    @MaxDuration(value = 1, unit = TimeUnit.DAYS)
    @JsonProperty
    private Duration retryMaxDelay = Duration.minutes(1);

    @Min(1) @Max(100)
    @JsonProperty
    private int maxAttempts = 6;

    /** How often the router looks for due retries. */
    @NotNull
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 10, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration retryTick = Duration.milliseconds(100);

    /** How often inbox lags are refreshed for least-loaded selection. */
    @NotNull
    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration lagRefresh = Duration.seconds(2);

    @ValidationMethod(message = "retryMaxDelay must be >= retryInitialDelay")
    public boolean isDelayOrderValid() {
        return retryMaxDelay.toMilliseconds() >= retryInitialDelay.toMilliseconds();
    }

    public Strategy defaultStrategy() {
        return Strategy.fromWire(defaultStrategy).orElseThrow();
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(java.time.Duration.ofMillis(retryInitialDelay.toMilliseconds()), retryMultiplier,
                java.time.Duration.ofMillis(retryMaxDelay.toMilliseconds()), maxAttempts);
    }

    public java.time.Duration retryTick() {
        return java.time.Duration.ofMillis(retryTick.toMilliseconds());
    }

    public java.time.Duration lagRefresh() {
        return java.time.Duration.ofMillis(lagRefresh.toMilliseconds());
    }
}
