package io.agentmesh.service.routing;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.platform.MeshMetrics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** GET /api/v1/metrics/routing: routed, retried, dead-lettered, duplicates and latency percentiles of this node. */
@Path("/api/v1/metrics/routing")
@Produces(MediaType.APPLICATION_JSON)
public final class RoutingMetricsResource {

    private final MeshMetrics metrics;

    public RoutingMetricsResource(MeshMetrics metrics) {
        this.metrics = metrics;
    }

    @GET
    @Allow(Access.VIEWER)
    public Map<String, Object> routing() {
        return metrics.routingSummary();
    }
}
