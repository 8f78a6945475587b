package io.agentmesh.service.common;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Long operations a caller can start (inbox replays, event-log scans, leader elections): at most
 * {@code capacity} at once on this node, and one at a time per key. Past the bound: 429
 * {@code RATE_LIMITED} with {@code Retry-After}; the same key again while it runs: 409.
 */
public final class LongWork {

    private final String name;
    private final String what;
    private final int capacity;
    private final long retryAfterSeconds;
    private final Semaphore permits;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Meter refused;

    public LongWork(String name, String what, int capacity, long retryAfterSeconds, MetricRegistry metrics) {
        this.name = name;
        this.what = what;
        this.capacity = capacity;
        this.retryAfterSeconds = retryAfterSeconds;
        this.permits = new Semaphore(capacity);
        this.refused = metrics.meter("mesh.work." + name + ".refused");
        metrics.gauge("mesh.work." + name + ".running", () -> (Gauge<Integer>) () -> capacity - permits.availablePermits());
    }

    /** Starts the work of {@code key}; close the handle when it ends (every path). */
    public AutoCloseable start(String key) {
        if (!running.add(key)) {
            refused.mark();
            throw new MeshException(ErrorCode.CONFLICT, what + " of '" + key + "' is already running on this node; "
                    + "wait for it to finish", Map.of("key", key, "work", name));
        }
        if (!permits.tryAcquire()) {
            running.remove(key);
            refused.mark();
            throw MeshException.rateLimited(what + ": " + capacity + " already run on this node, the most it runs at once; "
                    + "retry later", retryAfterSeconds, Map.of("limit", capacity, "work", name));
        }
        return () -> {
            permits.release();
            running.remove(key);
        };
    }
}
