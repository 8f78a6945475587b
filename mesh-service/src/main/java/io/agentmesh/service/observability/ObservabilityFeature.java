package io.agentmesh.service.observability;

import io.agentmesh.service.platform.Platform;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;

import java.util.Set;

/**
 * What every node shows of itself: {@code /health} (503 when Kafka or, on router nodes, the
 * router is down, or while draining), Prometheus text at {@code /metrics}, the runbook's GC
 * endpoint, the REST API's OpenAPI document at {@code /openapi.json}, and the operators' dashboards
 * under {@code /dashboard/}.
 */
public final class ObservabilityFeature {

    public ObservabilityFeature(Platform p) {
        p.always(new HealthResource(p.env().healthChecks(),
                p.roles().router() ? Set.of("kafka", "streams") : Set.of("kafka"), p.nodeId(), p.drain()));
        p.always(new GcResource());
        String version = ObservabilityFeature.class.getPackage().getImplementationVersion();
        // the runbook's operator pages; they read the API with the operator's credential
        p.api(new io.agentmesh.service.dashboard.DashboardResource());
        p.always(new io.agentmesh.service.openapi.OpenApiResource(
                new io.agentmesh.service.openapi.OpenApiDocument(version == null ? "dev" : version)));
        p.env().servlets().addServlet("prometheus", new PrometheusMetricsServlet(p.metrics().prometheus()))
                .addMapping("/metrics");
    }
}
