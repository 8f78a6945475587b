package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** The gRPC server. Port 0 picks a free port (tests). */
public class GrpcSettings {

    @NotBlank
    @JsonProperty
    private String bindHost = "127.0.0.1";

    @Min(0) @Max(65535)
    @JsonProperty
    private int port = 3015;

    /** Server pings an idle connection this often to find dead peers. */
    @jakarta.validation.constraints.NotNull
    @io.dropwizard.validation.MinDuration(value = 1, unit = java.util.concurrent.TimeUnit.SECONDS)
    @JsonProperty
    private io.dropwizard.util.Duration keepAliveTime = io.dropwizard.util.Duration.seconds(30);

    /** A ping not answered within this closes the connection (its streams' unacked messages are handed back). */
    @jakarta.validation.constraints.NotNull
    @io.dropwizard.validation.MinDuration(value = 1, unit = java.util.concurrent.TimeUnit.SECONDS)
    @JsonProperty
    private io.dropwizard.util.Duration keepAliveTimeout = io.dropwizard.util.Duration.seconds(10);

    /** Clients may ping at most this often (faster pings are a protocol error). */
    @jakarta.validation.constraints.NotNull
    @JsonProperty
    private io.dropwizard.util.Duration permitKeepAliveTime = io.dropwizard.util.Duration.seconds(10);

    /** A connection without any call for this long is closed (clients reconnect on their next call). */
    @jakarta.validation.constraints.NotNull
    @io.dropwizard.validation.MinDuration(value = 1, unit = java.util.concurrent.TimeUnit.SECONDS)
    @JsonProperty
    private io.dropwizard.util.Duration maxConnectionIdle = io.dropwizard.util.Duration.minutes(10);

    public io.dropwizard.util.Duration getKeepAliveTime() {
        return keepAliveTime;
    }

    public io.dropwizard.util.Duration getKeepAliveTimeout() {
        return keepAliveTimeout;
    }

    public io.dropwizard.util.Duration getPermitKeepAliveTime() {
        return permitKeepAliveTime;
    }

    public io.dropwizard.util.Duration getMaxConnectionIdle() {
        return maxConnectionIdle;
    }

    public String getBindHost() {
        return bindHost;
    }

    public int getPort() {
        return port;
    }
}
