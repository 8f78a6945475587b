package io.agentmesh.service.taps;

import com.codahale.metrics.Meter;
import io.agentmesh.streams.taps.TapListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What each tap costs, on /metrics ({@code mesh_tap_records_total{tap}}, {@code mesh_tap_bytes_total{tap}},
 * {@code mesh_taps_lag_records}) and in the tap's API view (rates over the last minute on this node).
 */
public final class TapMetrics implements TapListener {

    private record Rates(Meter records, Meter bytes) {
    }

    private final Counter records;
    private final Counter bytes;
    private final Map<String, Rates> rates = new ConcurrentHashMap<>();

    public TapMetrics(PrometheusRegistry registry, LongSupplier lag) {
        this.records = Counter.builder().name("mesh_tap_records_total").help("Records the taps application wrote live to each tap's topic (backfills not counted)")
                .labelNames("tap").register(registry);
        this.bytes = Counter.builder().name("mesh_tap_bytes_total").help("Bytes (record values) the taps application wrote live to each tap's topic (backfills not counted)")
                .labelNames("tap").register(registry);
        if (lag != null) {
            GaugeWithCallback.builder().name("mesh_taps_lag_records")
                    .help("Records of mesh.ingress and mesh.events the taps application on this node has yet to read")
                    .callback(cb -> cb.call(lag.getAsLong())).register(registry);
        }
    }

    @Override
    public void onRecord(String tap, int size) {
        records.labelValues(tap).inc();
        bytes.labelValues(tap).inc(size);
        Rates r = rates.computeIfAbsent(tap, k -> new Rates(new Meter(), new Meter()));
        r.records().mark();
        r.bytes().mark(size);
    }

    /** This node's figures for a tap. */
    public Map<String, Object> of(String tap) {
        Rates r = rates.get(tap);
        if (r == null) {
            return Map.of("records", 0L, "bytes", 0L, "records_per_second", 0.0, "bytes_per_second", 0.0);
        }
        return Map.of("records", r.records().getCount(), "bytes", r.bytes().getCount(),
                "records_per_second", r.records().getOneMinuteRate(), "bytes_per_second", r.bytes().getOneMinuteRate());
    }
}
