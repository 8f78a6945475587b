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

    /**
     * Threads that run gRPC calls (their handlers may wait on Kafka, PostgreSQL or ZooKeeper). Calls
     * beyond them wait in a queue of {@code maxQueuedCalls}; past that a call is refused
     * (RESOURCE_EXHAUSTED), never given a thread of its own.
     */
    @jakarta.validation.constraints.Min(1) @jakarta.validation.constraints.Max(10_000)
    @JsonProperty
    private int maxThreads = 64;

    @jakarta.validation.constraints.Min(0) @jakarta.validation.constraints.Max(1_000_000)
    @JsonProperty
    private int maxQueuedCalls = 10_000;

    public int getMaxThreads() {
        return maxThreads;
    }

    public int getMaxQueuedCalls() {
        return maxQueuedCalls;
    }

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
