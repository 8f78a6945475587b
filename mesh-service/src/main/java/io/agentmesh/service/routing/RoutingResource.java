package io.agentmesh.service.routing;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.registry.AgentHealth;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.topics.MeshTopics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The routing table as the router sees it, its caches, its rebuild, and routing metrics. */
@Path("/api/v1/routing")
@Produces(MediaType.APPLICATION_JSON)
public final class RoutingResource {

    private final RouterStreams router;
    private final InboxLagMonitor lags;
    private final AgentRegistry registry;
    private final MeshTopics topics;

    public RoutingResource(RouterStreams router, InboxLagMonitor lags, AgentRegistry registry, MeshTopics topics) {
        this.router = router;
        this.lags = lags;
        this.registry = registry;
        this.topics = topics;
    }

    @GET
    @Path("table")
    @Allow(Access.VIEWER)
    public Map<String, Object> table() {
        if (!router.running()) {
            throw new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "the router is " + router.state()
                    + "; its table is not readable now", Map.of("dependency", "streams"));
        }
        List<RegistryEntry> all = router.all();
        Map<String, AgentHealth> health = router.health();
        Map<String, List<String>> byCapability = new TreeMap<>();
        Map<String, List<String>> byNamespace = new TreeMap<>();
        List<Map<String, Object>> agents = new java.util.ArrayList<>();
        List<String> routableIds = new java.util.ArrayList<>();
        for (RegistryEntry e : all) {
            AgentHealth h = health.get(e.id());
            // what the router does: anycast and fan-out pick active agents that are not unhealthy
            boolean routable = e.routable() && (h == null || h.eligible());
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", e.id());
            a.put("namespace", e.namespace());
            a.put("capabilities", e.capabilities());
            a.put("status", e.status());
            a.put("health", h == null ? "unknown" : h.status());
            a.put("routable", routable);
            a.put("direct_messages", e.deregistered() ? "dead-lettered" : "inbox");
            a.put("inbox", topics.inbox(e.id()));
            agents.add(a);
            if (routable) {
                routableIds.add(e.id());
                e.capabilities().forEach(c -> byCapability.computeIfAbsent(c, k -> new java.util.ArrayList<>()).add(e.id()));
                byNamespace.computeIfAbsent(e.namespace(), k -> new java.util.ArrayList<>()).add(e.id());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agents", agents);
        out.put("capabilities", byCapability);
        out.put("namespaces", byNamespace);
        out.put("total", all.size());
        out.put("routable", routableIds.size());
        return out;
    }

    @POST
    @Path("cache/clear")
    @Allow(Access.OPERATOR)
    public Map<String, Object> clearCache() {
        return Map.of("cleared", Map.of("inbox_lag_entries", lags.clear()));
    }

    @POST
    @Path("rebuild")
    @Allow(Access.OPERATOR)
    public Map<String, Integer> rebuild() {
        return registry.republishAll();
    }
}
