package io.agentmesh.service.observability;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;

/** POST /api/v1/gc/run (the runbook's "Enable garbage collection"): a full GC, heap before and after. */
@Path("/api/v1/gc/run")
@Produces(MediaType.APPLICATION_JSON)
public final class GcResource {

    @POST
    @Allow(Access.OPERATOR)
    public Map<String, Object> run() {
        MemoryUsage before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long start = System.nanoTime();
        System.gc();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("heap_used_before_bytes", before.getUsed());
        out.put("heap_used_after_bytes", after.getUsed());
        out.put("freed_bytes", Math.max(0, before.getUsed() - after.getUsed()));
        out.put("heap_committed_bytes", after.getCommitted());
        out.put("heap_max_bytes", after.getMax());
        out.put("took_ms", tookMs);
        return out;
    }
}
