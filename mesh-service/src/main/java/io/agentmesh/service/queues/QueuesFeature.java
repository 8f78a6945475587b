package io.agentmesh.service.queues;

import com.google.common.base.Suppliers;
import io.agentmesh.service.platform.Platform;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Queue statistics and purging, and the one-number gauges read from one snapshot at most every 5 s:
 * {@code mesh_queue_depth} and {@code mesh_dlq_messages} (absent from /metrics while the broker
 * cannot be read).
 */
public final class QueuesFeature {

    public QueuesFeature(Platform p, String routerApplicationId, LongSupplier pendingRetries, java.time.Duration minPurgeAge) {
        QueueStats stats = new QueueStats(p.admin(), p.topics(), routerApplicationId, pendingRetries);
        p.api(new QueueResource(stats, new QueuePurger(p.admin(), p.topics(), p.clock()), minPurgeAge));
        Supplier<QueueStats.Snapshot> recent = Suppliers.memoizeWithExpiration(() -> {
            try {
                return stats.snapshot();
            } catch (RuntimeException e) {
                return null;
            }
        }, 5, TimeUnit.SECONDS)::get;
        p.env().metrics().gauge("mesh.queue.depth", () -> () -> {
            QueueStats.Snapshot s = recent.get();
            return s == null ? null : s.depth();
        });
        p.env().metrics().gauge("mesh.dlq.messages", () -> () -> {
            QueueStats.Snapshot s = recent.get();
            return s == null ? null : s.dlqSize();
        });
    }
}
