package io.agentmesh.service.health;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.web.Params;
import io.agentmesh.service.registry.AgentView;
import io.agentmesh.service.registry.AgentRecord;
import io.agentmesh.service.registry.AgentRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.Set;
import java.util.TreeMap;

/** GET /api/v1/health/all: every registered agent's health, a summary, and the monitor's state. */
@Path("/api/v1/health/all")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthOverviewResource {

    private static final Set<String> STATUSES = Set.of(HealthState.UNKNOWN, HealthState.HEALTHY, HealthState.UNHEALTHY,
            HealthState.FLAPPING);

    private final AgentRegistry registry;
    private final HealthService health;
    private final HealthMonitor monitor;
    private final LiveHealthSettings settings;
    /** The node that runs the checks (the cluster leader), if one is known. */
    private final Supplier<Optional<String>> leader;
    private final String nodeId;

    public HealthOverviewResource(AgentRegistry registry, HealthService health, HealthMonitor monitor,
                                  LiveHealthSettings settings, Supplier<Optional<String>> leader,
                                  String nodeId) {
        this.registry = registry;
        this.health = health;
        this.monitor = monitor;
        this.settings = settings;
        this.leader = leader;
        this.nodeId = nodeId;
    }

    @GET
    @Allow(Access.VIEWER)
    public Map<String, Object> all(@QueryParam("status") String status) {
        String wanted = Params.optional(status);
        if (wanted != null && !STATUSES.contains(wanted)) {
            throw io.agentmesh.service.errors.MeshException.invalidField("status", "'" + wanted + "' is not one of " + STATUSES);
        }
        Map<String, HealthState> states = health.all();
        Map<String, Long> summary = new TreeMap<>();
        STATUSES.forEach(s -> summary.put(s, 0L));
        List<Map<String, Object>> agents = new java.util.ArrayList<>();
        for (AgentView a : registry.listAll(null, null)) {
            if (AgentRecord.DEREGISTERED.equals(a.status())) {
                continue;
            }
            Map<String, Object> view = HealthViews.of(a, states.get(a.id()));
            summary.merge((String) view.get("status"), 1L, Long::sum);
            if (wanted == null || wanted.equals(view.get("status"))) {
                agents.add(view);
            }
        }
        Map<String, Object> monitorState = new LinkedHashMap<>();
        monitorState.put("runs_on", leader.get().orElse(null));
        monitorState.put("this_node", nodeId);
        monitorState.put("last_round_here", monitor.lastRound());
        monitorState.put("settings", settings.get().asMap());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agents", agents);
        out.put("count", agents.size());
        out.put("summary", summary);
        out.put("monitor", monitorState);
        return out;
    }
}
