package io.agentmesh.service.delivery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/** What keeps this node busy with clients: open streams, long-polls, pending requests, by kind. */
public final class ActiveConnections {

    private final Map<String, IntSupplier> kinds = new LinkedHashMap<>();

    public ActiveConnections add(String kind, IntSupplier count) {
        kinds.put(kind, count);
        return this;
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> byKind = new LinkedHashMap<>();
        int total = 0;
        for (Map.Entry<String, IntSupplier> e : kinds.entrySet()) {
            int n = e.getValue().getAsInt();
            byKind.put(e.getKey(), n);
            total += n;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", total);
        out.put("by_kind", byKind);
        return out;
    }
}
