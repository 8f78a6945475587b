package io.agentmesh.service.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Who the agents of {@code namespace} may address: agents in {@code namespaces} (their own is
 * always included; {@code *} is every one), capabilities mesh-wide in {@code capabilities}
 * ({@code *}: every one; any other capability target stays inside the sender's namespace), single
 * agents in {@code agents}, and {@code broadcast} to everyone.
 */
public record SendPolicy(@JsonProperty("namespace") String namespace,
                         @JsonProperty("namespaces") List<String> namespaces,
                         @JsonProperty("capabilities") List<String> capabilities,
                         @JsonProperty("agents") List<String> agents,
                         @JsonProperty("broadcast") boolean broadcast,
                         @JsonProperty("default") boolean isDefault) {

    public static final String ANY = "*";

    /** A namespace without a policy of its own: itself only. */
    public static SendPolicy defaultFor(String namespace) {
        return new SendPolicy(namespace, List.of(namespace), List.of(), List.of(), false, true);
    }

    public boolean mayAddressNamespace(String ns) {
        return ns.equals(namespace) || namespaces.contains(ANY) || namespaces.contains(ns);
    }

    public boolean mayAddressCapabilityAnywhere(String capability) {
        return capabilities.contains(ANY) || capabilities.contains(capability);
    }

    public boolean mayAddressAgent(String id, String itsNamespace) {
        return agents.contains(id) || (itsNamespace != null && mayAddressNamespace(itsNamespace));
    }
}
