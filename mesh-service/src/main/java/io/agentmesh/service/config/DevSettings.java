package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** Used only by the {@code dev} command: where the embedded broker and ZooKeeper keep data and listen. */
public class DevSettings {

    @NotBlank
    @JsonProperty
    private String dataDir = "data";

    @Min(1) @Max(65535)
    @JsonProperty
    private int kafkaPort = 9092;

    @Min(1) @Max(65535)
    @JsonProperty
    private int controllerPort = 9093;

    @Min(1) @Max(65535)
    @JsonProperty
    private int zookeeperPort = 2181;

    public String getDataDir() {
        return dataDir;
    }

    public int getKafkaPort() {
        return kafkaPort;
    }

    public int getControllerPort() {
        return controllerPort;
    }

    public int getZookeeperPort() {
        return zookeeperPort;
    }
}
