package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Kafka connection and topic settings; client settings pass through by map. */
public class KafkaSettings {

    @NotBlank
    @JsonProperty
    private String bootstrapServers = "127.0.0.1:9092";

    @NotBlank
    @JsonProperty
    private String topicPrefix = "mesh";

    @Min(1) @Max(32767)
    @JsonProperty
    private short replicationFactor = 1;

    /**
     * min.insync.replicas of every topic the mesh creates: with acks=all, an acknowledged message is
     * on at least this many brokers. Below 2 (or a replication factor below 2), one broker failure
     * can lose acknowledged messages: the node refuses to start unless {@link #allowUnsafeDurability}.
     */
    @Min(1) @Max(32767)
    @JsonProperty
    private short minInsyncReplicas = 2;

    /** Runs on settings that can lose acknowledged messages on one broker failure (dev, tests): loudly. */
    @JsonProperty
    private boolean allowUnsafeDurability;

    @Min(1) @Max(10000)
    @JsonProperty
    private int ingressPartitions = 6;

    @Min(1) @Max(1000)
    @JsonProperty
    private int inboxPartitions = 1;

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MINUTES)
    @JsonProperty
    private Duration inboxRetention = Duration.days(7);

    /** Bound on how long a send may wait for Kafka before it is answered 503. */
    @NotNull
    @MinDuration(value = 500, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 2, unit = TimeUnit.MINUTES)
    @JsonProperty
    private Duration sendTimeout = Duration.seconds(5);

    /** Extra producer settings (e.g. linger.ms, compression.type); acks=all and idempotence are fixed. */
    @NotNull
    @JsonProperty
    private Map<String, String> producer = new LinkedHashMap<>();

    /** Extra consumer settings for inbox readers (long-poll, gRPC Subscribe). */
    @NotNull
    @JsonProperty
    private Map<String, String> consumer = new LinkedHashMap<>();

    /** How the mesh's own clients log in to the broker. */
    @jakarta.validation.Valid
    @NotNull
    @JsonProperty
    private KafkaSecurity security = new KafkaSecurity();

    /** Kafka logins and ACLs for agents that read their inbox topic directly. */
    @jakarta.validation.Valid
    @NotNull
    @JsonProperty
    private KafkaAgentAccess agentAccess = new KafkaAgentAccess();

    /** Settings applied to every client (after the security settings; ssl.*, ...). */
    @NotNull
    @JsonProperty
    private Map<String, String> common = new LinkedHashMap<>();

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getTopicPrefix() {
        return topicPrefix;
    }

    public short getReplicationFactor() {
        return replicationFactor;
    }

    public void setReplicationFactor(short replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    public short getMinInsyncReplicas() {
        return minInsyncReplicas;
    }

    public void setMinInsyncReplicas(short minInsyncReplicas) {
        this.minInsyncReplicas = minInsyncReplicas;
    }

    public boolean isAllowUnsafeDurability() {
        return allowUnsafeDurability;
    }

    public void setAllowUnsafeDurability(boolean allowUnsafeDurability) {
        this.allowUnsafeDurability = allowUnsafeDurability;
    }

    /** The min.insync.replicas topics get: the setting, at most the replication factor (else no write could succeed). */
    public short effectiveMinInsyncReplicas() {
        return (short) Math.min(minInsyncReplicas, replicationFactor);
    }

    public int getIngressPartitions() {
        return ingressPartitions;
    }

    public int getInboxPartitions() {
        return inboxPartitions;
    }

    public Duration getInboxRetention() {
        return inboxRetention;
    }

    public Duration getSendTimeout() {
        return sendTimeout;
    }

    public Map<String, String> getProducer() {
        return producer;
    }

    public Map<String, String> getConsumer() {
        return consumer;
    }

    public KafkaSecurity getSecurity() {
        return security;
    }

    public KafkaAgentAccess getAgentAccess() {
        return agentAccess;
    }

    public Map<String, String> getCommon() {
        return common;
    }
}
