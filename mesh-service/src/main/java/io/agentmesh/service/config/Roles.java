package io.agentmesh.service.config;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a node runs: {@code api} (the REST API for agents and operators), {@code grpc} (the gRPC
 * server), {@code router} (the Kafka Streams topology), {@code monitor} (leadership: health checks,
 * expiry sweeps, push delivery). Health, metrics, drain and connection endpoints are always on.
 */
public record Roles(boolean api, boolean grpc, boolean router, boolean monitor) {

    public static final String ALL = "api,grpc,router,monitor";
    public static final String PATTERN = "(api|grpc|router|monitor)(,(api|grpc|router|monitor))*";

    public static Roles parse(String raw) {
        Set<String> set = new LinkedHashSet<>(Arrays.asList(raw.replace(" ", "").split(",")));
        return new Roles(set.contains("api"), set.contains("grpc"), set.contains("router"), set.contains("monitor"));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (String r : new String[]{api ? "api" : null, grpc ? "grpc" : null, router ? "router" : null,
                monitor ? "monitor" : null}) {
            if (r != null) {
                sb.append(sb.length() == 0 ? "" : ",").append(r);
            }
        }
        return sb.toString();
    }
}
