package io.agentmesh.service.observability;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Overall health plus each component. 503 when a component the message path needs (Kafka, the
 * router) is down, or while the node drains (load balancers stop sending to it); "degraded" with
 * 200 when only other components are down.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {

    private final HealthCheckRegistry checks;
    private final Set<String> required;
    private final String nodeId;
    private final io.agentmesh.service.common.DrainControl drain;

    public HealthResource(HealthCheckRegistry checks, Set<String> required, String nodeId,
                          io.agentmesh.service.common.DrainControl drain) {
        this.checks = checks;
        this.required = required;
        this.nodeId = nodeId;
        this.drain = drain;
    }

    @GET
    @Path("health")
    @Allow(Access.PUBLIC)
    public Response health() {
        return report();
    }

    /**
     * Liveness only: the process is up and serves HTTP. It never looks at Kafka, Postgres or Redis, so
     * an outage of theirs does not get every pod restarted (Kubernetes' livenessProbe; readiness is
     * {@code /health}).
     */
    @GET
    @Path("health/live")
    @Allow(Access.PUBLIC)
    @Produces(MediaType.APPLICATION_JSON)
    public java.util.Map<String, Object> live() {
        return java.util.Map.of("status", "alive", "node", nodeId);
    }

    @GET
    @Path("api/v1/health")
    @Allow(Access.PUBLIC)
    public Response apiHealth() {
        return report();
    }

    private Response report() {
        SortedMap<String, HealthCheck.Result> results = checks.runHealthChecks();
        Map<String, Object> components = new LinkedHashMap<>();
        boolean requiredDown = false;
        boolean anyDown = false;
        for (var e : results.entrySet()) {
            if (e.getKey().equals("deadlocks")) {
                continue;
            }
            boolean up = e.getValue().isHealthy();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("status", up ? "up" : "down");
            c.put("detail", detail(e.getValue()));
            c.put("required", required.contains(e.getKey()));
            components.put(e.getKey(), c);
            anyDown |= !up;
            requiredDown |= !up && required.contains(e.getKey());
        }
        boolean draining = drain.draining();
        String status = requiredDown ? "down" : draining ? "draining" : anyDown ? "degraded" : "up";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("node", nodeId);
        if (draining) {
            body.put("draining_since", drain.since().toString());
        }
        body.put("components", components);
        return Response.status(requiredDown || draining ? 503 : 200).entity(body).build();
    }

    private static String detail(HealthCheck.Result r) {
        if (r.getMessage() != null) {
            return r.getMessage();
        }
        return r.getError() == null ? "" : r.getError().getClass().getSimpleName() + ": " + r.getError().getMessage();
    }
}
