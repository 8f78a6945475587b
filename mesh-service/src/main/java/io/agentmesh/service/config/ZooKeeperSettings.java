package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.concurrent.TimeUnit;

/** Coordination through Curator. */
public class ZooKeeperSettings {

    @NotBlank
    @JsonProperty
    private String connect = "127.0.0.1:2181";

    @NotBlank
    @Pattern(regexp = "(/[a-zA-Z0-9._-]+)+")
    @JsonProperty
    private String basePath = "/agent-mesh";

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration sessionTimeout = Duration.seconds(15);

    @NotNull
    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    @JsonProperty
    private Duration connectionTimeout = Duration.seconds(5);

    /** How many mesh nodes should be up; fewer live nodes raise NetworkPartition (mesh_expected_nodes). */
    @jakarta.validation.constraints.Min(1) @jakarta.validation.constraints.Max(1000)
    @JsonProperty
    private int expectedNodes = 1;

    public int getExpectedNodes() {
        return expectedNodes;
    }

    public String getConnect() {
        return connect;
    }

    public void setConnect(String connect) {
        this.connect = connect;
    }

    public String getBasePath() {
        return basePath;
    }

    public Duration getSessionTimeout() {
        return sessionTimeout;
    }

    public Duration getConnectionTimeout() {
        return connectionTimeout;
    }

    /** A Curator client for these settings (not started). */
    public CuratorFramework curator() {
        return CuratorFrameworkFactory.builder()
                .connectString(connect)
                .sessionTimeoutMs((int) sessionTimeout.toMilliseconds())
                .connectionTimeoutMs((int) connectionTimeout.toMilliseconds())
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5000))
                .build();
    }
}
