package io.agentmesh.service.common;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;

import java.util.Map;
import java.util.concurrent.Semaphore;

/** A named limit on concurrent work: refuses visibly (429 TOO_BUSY / RESOURCE_EXHAUSTED, Retry-After 5) when full, and is counted. */
public final class BoundedGate {

    private final String name;
    private final int capacity;
    private final Semaphore permits;
    private final Meter rejected;

    public BoundedGate(String name, int capacity, MetricRegistry metrics) {
        this.name = name;
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
        this.rejected = metrics.meter("mesh.gate." + name + ".rejected");
        metrics.gauge("mesh.gate." + name + ".in_use", () -> (Gauge<Integer>) this::inUse);
    }

    /** Takes a permit or throws TOO_BUSY; release it with the returned handle. */
    public AutoCloseable enter() {
        if (!permits.tryAcquire()) {
            rejected.mark();
            throw new MeshException(ErrorCode.TOO_BUSY, name + " is at its limit of " + capacity
                    + " concurrent operations; retry later", Map.of("limit", capacity, "gate", name));
        }
        return permits::release;
    }

    public int inUse() {
        return capacity - permits.availablePermits();
    }
}
