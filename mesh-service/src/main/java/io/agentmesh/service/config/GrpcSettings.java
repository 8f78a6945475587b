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

    public String getBindHost() {
        return bindHost;
    }

    public int getPort() {
        return port;
    }
}
