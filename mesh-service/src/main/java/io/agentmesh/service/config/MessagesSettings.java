package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** Limits on messages and on the readers of inboxes. */
public class MessagesSettings {

    /** Largest payload accepted, in bytes (REST and gRPC); larger gets 413 / RESOURCE_EXHAUSTED. */
    @Min(1) @Max(16 * 1024 * 1024)
    @JsonProperty
    private int maxPayloadBytes = 1024 * 1024;

    /** Most messages in one POST /api/v1/messages/batch (the body limit applies to the whole batch). */
    @Min(1) @Max(100_000)
    @JsonProperty
    private int maxBatchSize = 1000;

    /** Largest body of one batch send (REST) or SendBatch call (gRPC), in bytes (other requests: maxPayloadBytes + 64 KiB). */
    @Min(1024) @Max(256L * 1024 * 1024)
    @JsonProperty
    private long maxBatchBytes = 8L * 1024 * 1024;

    /** Most long-poll requests served at once on this node; beyond it 429 TOO_BUSY. */
    @Min(1) @Max(10000)
    @JsonProperty
    private int maxConcurrentPolls = 64;

    /** Most gRPC Subscribe streams open at once on this node; beyond it RESOURCE_EXHAUSTED. */
    @Min(1) @Max(10000)
    @JsonProperty
    private int maxSubscriptions = 256;

    /** Most request/reply calls waiting for a reply at once on this node; beyond it 429 TOO_BUSY. */
    @Min(1) @Max(10000)
    @JsonProperty
    private int maxPendingRequests = 256;

    /** Messages per second an inbox replay (POST /agents/{id}/replay) writes at most. */
    @Min(1) @Max(1_000_000)
    @JsonProperty
    private int replayRatePerSecond = 1000;

    /** The youngest records a purge may delete (dry runs look at any age): younger ones may be in flight. */
    @jakarta.validation.constraints.NotNull
    @JsonProperty
    private io.dropwizard.util.Duration minPurgeAge = io.dropwizard.util.Duration.hours(1);

    /** Longest long-poll wait a client may ask for, in seconds. */
    @Min(0) @Max(300)
    @JsonProperty
    private int maxPollWaitSeconds = 30;

    /** Most credit one Connect stream may hold; also how many records an agent's session reads ahead. */
    @jakarta.validation.constraints.Min(1) @jakarta.validation.constraints.Max(10_000)
    @com.fasterxml.jackson.annotation.JsonProperty
    private int maxCreditPerStream = 256;

    /** Connect streams one agent may have open on one node. */
    @jakarta.validation.constraints.Min(1) @jakarta.validation.constraints.Max(1000)
    @com.fasterxml.jackson.annotation.JsonProperty
    private int maxStreamsPerAgent = 16;

    /** How long a drain waits for streams to ack what they were given before ending them. */
    @jakarta.validation.constraints.NotNull
    @com.fasterxml.jackson.annotation.JsonProperty
    private io.dropwizard.util.Duration drainGrace = io.dropwizard.util.Duration.seconds(10);

    /** Push delivery: how long an agent's endpoint may take to answer one POST. */
    @jakarta.validation.constraints.NotNull
    @io.dropwizard.validation.MinDuration(value = 100, unit = java.util.concurrent.TimeUnit.MILLISECONDS)
    @com.fasterxml.jackson.annotation.JsonProperty
    private io.dropwizard.util.Duration pushTimeout = io.dropwizard.util.Duration.seconds(10);

    /**
     * A2A delivery (agents behind A2A servers): how long one blocking A2A call may take; answering a
     * task may take an agent minutes, and a call cut short is made again.
     */
    @jakarta.validation.constraints.NotNull
    @io.dropwizard.validation.MinDuration(value = 1, unit = java.util.concurrent.TimeUnit.SECONDS)
    @com.fasterxml.jackson.annotation.JsonProperty
    private io.dropwizard.util.Duration a2aCallTimeout = io.dropwizard.util.Duration.minutes(2);

    public io.dropwizard.util.Duration getA2aCallTimeout() {
        return a2aCallTimeout;
    }

    /** Push delivery: POSTs in flight at once per agent (records of one key are always sequential). */
    @jakarta.validation.constraints.Min(1) @jakarta.validation.constraints.Max(64)
    @com.fasterxml.jackson.annotation.JsonProperty
    private int pushConcurrency = 4;

    public io.dropwizard.util.Duration getPushTimeout() {
        return pushTimeout;
    }

    public int getPushConcurrency() {
        return pushConcurrency;
    }

    public io.dropwizard.util.Duration getDrainGrace() {
        return drainGrace;
    }

    public int getMaxCreditPerStream() {
        return maxCreditPerStream;
    }

    public int getMaxStreamsPerAgent() {
        return maxStreamsPerAgent;
    }

    public int getMaxPayloadBytes() {
        return maxPayloadBytes;
    }

    public int getMaxConcurrentPolls() {
        return maxConcurrentPolls;
    }

    public int getMaxSubscriptions() {
        return maxSubscriptions;
    }

    public int getMaxPendingRequests() {
        return maxPendingRequests;
    }

    public int getReplayRatePerSecond() {
        return replayRatePerSecond;
    }

    public java.time.Duration minPurgeAge() {
        return java.time.Duration.ofMillis(minPurgeAge.toMilliseconds());
    }

    public int getMaxPollWaitSeconds() {
        return maxPollWaitSeconds;
    }

    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    public long getMaxBatchBytes() {
        return maxBatchBytes;
    }

    /** What one message may take on the wire besides its payload (envelope, attributes, JSON escaping). */
    public static final int ENVELOPE_ALLOWANCE = 64 * 1024;

    /** The largest single-message request body or gRPC message: the payload limit plus the envelope allowance. */
    public int maxMessageBytes() {
        return maxPayloadBytes + ENVELOPE_ALLOWANCE;
    }
}
