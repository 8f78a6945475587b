package io.agentmesh.service.taps;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.streams.taps.TapCatalog;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A tap as the API shows it: its definition, whether this node's taps application runs it
 * ({@code live}; absent on nodes without the router), what it wrote here and the application's lag,
 * and how a team reads it.
 */
public final class TapStatus {

    private final ObjectMapper mapper;
    private final TapCatalog catalog;
    private final TapMetrics metrics;
    private final LongSupplier lag;

    /** {@code catalog} and {@code lag}: this node's taps application, or null where it does not run. */
    public TapStatus(ObjectMapper mapper, TapCatalog catalog, TapMetrics metrics, LongSupplier lag) {
        this.mapper = mapper;
        this.catalog = catalog;
        this.metrics = metrics;
        this.lag = lag;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> describe(Tap tap) {
        Map<String, Object> out = new LinkedHashMap<>(mapper.convertValue(tap, Map.class));
        out.put("consumer_group_prefix", TapAccess.groupPrefix(tap.name()));
        if (catalog != null && !tap.deleted()) {
            out.put("live", catalog.get(tap.name()).map(d -> d.equals(tap.definition())).orElse(false));
            Map<String, Object> here = new LinkedHashMap<>(metrics.of(tap.name()));
            here.put("application_lag_records", lag.getAsLong());
            out.put("this_node", here);
        }
        return out;
    }
}
