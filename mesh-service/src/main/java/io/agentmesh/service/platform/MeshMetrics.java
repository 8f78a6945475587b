package io.agentmesh.service.platform;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The mesh's own metrics. Counters and meters live in Dropwizard's registry (exported by the
 * Prometheus bridge with the {@code mesh_} names below; only {@code mesh.*} is exported, so every
 * name on /metrics passes {@code promtool check metrics}); the message latency is a Prometheus
 * histogram, because the runbook's alert takes quantiles from its {@code _bucket} series. The JVM's
 * own figures are the Prometheus client's standard ones ({@code jvm_memory_used_bytes},
 * {@code process_cpu_seconds_total}, ...).
 */
public final class MeshMetrics {

    private static final double[] LATENCY_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry prometheus;
    private final Histogram latency;
    private final Histogram discoveryLatency;
    private final Meter accepted;
    private final Meter rejected;
    private final Meter routed;
    private final Meter duplicates;
    private final Meter deadLettered;
    private final Meter retried;
    private final Meter retryQueueFull;
    private final Timer routingLatency;

    public MeshMetrics(MetricRegistry dropwizard) {
        this.prometheus = new PrometheusRegistry();
        DropwizardExports.builder().dropwizardRegistry(dropwizard)
                .metricFilter((name, metric) -> name.startsWith("mesh.")).register(prometheus);
        JvmMetrics.builder().register(prometheus);
        this.latency = Histogram.builder()
                .name("mesh_message_latency_seconds")
                .help("Time from a message's acceptance (mesh.ingress write) to its routing into the target inbox")
                .classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS)
                .register(prometheus);
        this.discoveryLatency = Histogram.builder()
                .name("mesh_discovery_latency_seconds")
                .help("Time to answer a discovery query, by the store that answered (redis, postgres)")
                .labelNames("source")
                .classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS)
                .register(prometheus);
        this.accepted = dropwizard.meter("mesh.messages.accepted");
        this.rejected = dropwizard.meter("mesh.messages.rejected");
        this.routed = dropwizard.meter("mesh.messages.routed");
        this.duplicates = dropwizard.meter("mesh.messages.duplicates");
        this.deadLettered = dropwizard.meter("mesh.messages.dead_lettered");
        this.retried = dropwizard.meter("mesh.messages.retried");
        this.retryQueueFull = dropwizard.meter("mesh.messages.retry_queue_full");
        // for GET /api/v1/metrics/routing's percentiles only: /metrics has this measurement once, as
        // mesh_message_latency_seconds
        this.routingLatency = new Timer();
    }

    public PrometheusRegistry prometheus() {
        return prometheus;
    }

    public void accepted() {
        accepted.mark();
    }

    public void rejected() {
        rejected.mark();
    }

    /** A batch send's outcome, counted per message like single sends. */
    public void batch(int acceptedCount, int rejectedCount) {
        accepted.mark(acceptedCount);
        rejected.mark(rejectedCount);
    }

    public void routed(double latencySeconds) {
        routed.mark();
        latency.observe(Math.max(0, latencySeconds));
        routingLatency.update((long) (Math.max(0, latencySeconds) * 1_000_000), java.util.concurrent.TimeUnit.MICROSECONDS);
    }

    /** Counts, rates and latency percentiles of routing, for GET /api/v1/metrics/routing. */
    public java.util.Map<String, Object> routingSummary() {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (var e : java.util.Map.of("accepted", accepted, "rejected", rejected, "routed", routed, "retried", retried,
                "dead_lettered", deadLettered, "duplicates_dropped", duplicates).entrySet()) {
            out.put(e.getKey(), java.util.Map.of("count", e.getValue().getCount(),
                    "per_second_1m", Math.round(e.getValue().getOneMinuteRate() * 1000) / 1000.0));
        }
        var s = routingLatency.getSnapshot();
        out.put("latency_seconds", java.util.Map.of("p50", s.getMedian() / 1e9, "p95", s.get95thPercentile() / 1e9,
                "p99", s.get99thPercentile() / 1e9, "max", s.getMax() / 1e9, "samples", routingLatency.getCount()));
        return out;
    }

    public void discovery(double seconds, String source) {
        discoveryLatency.labelValues(source).observe(Math.max(0, seconds));
    }

    public void duplicate() {
        duplicates.mark();
    }

    public void deadLettered() {
        deadLettered.mark();
    }

    public void retried() {
        retried.mark();
    }

    /** A message dead-lettered because the router's store of waiting messages was full. */
    public void retryQueueFull() {
        retryQueueFull.mark();
    }
}
