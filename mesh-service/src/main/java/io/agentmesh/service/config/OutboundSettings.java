package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the mesh itself may connect on agents' behalf (push endpoints, health URLs). Link-local
 * addresses and cloud metadata services are always refused; loopback and private ranges only when
 * {@code allowPrivateNetworks} (dev) or listed in {@code allow}.
 */
public class OutboundSettings {

    @JsonProperty
    private boolean allowPrivateNetworks = false;

    /** Host names or CIDR ranges (10.1.0.0/16, fd12::/64) that are allowed whatever their range. */
    @NotNull
    @JsonProperty
    private List<String> allow = new ArrayList<>();

    public boolean isAllowPrivateNetworks() {
        return allowPrivateNetworks;
    }

    public void setAllowPrivateNetworks(boolean allow) {
        this.allowPrivateNetworks = allow;
    }

    public List<String> getAllow() {
        return allow;
    }
}
