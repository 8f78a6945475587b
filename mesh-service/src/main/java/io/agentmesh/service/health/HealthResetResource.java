package io.agentmesh.service.health;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.web.Params;
import io.agentmesh.service.registry.AgentRegistry;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POST /api/v1/health/reset: forgets check counters, verdicts, overrides and flapping, for one
 * agent ({@code ?agent_id=}) or all; they start again as unknown and the next checks decide.
 */
@Path("/api/v1/health/reset")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResetResource {

    private final AgentRegistry registry;
    private final HealthService health;

    public HealthResetResource(AgentRegistry registry, HealthService health) {
        this.registry = registry;
        this.health = health;
    }

    @POST
    @Allow(Access.OPERATOR)
    public Map<String, Object> reset(@QueryParam("agent_id") String agentId) {
        List<String> ids;
        if (Params.optional(agentId) != null) {
            registry.get(Params.agentId(agentId));
            ids = List.of(agentId);
        } else {
            ids = health.knownAgents();
        }
        List<String> done = new ArrayList<>();
        for (String id : ids) {
            health.reset(id);
            done.add(id);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reset", done.size());
        out.put("agents", done);
        return out;
    }
}
