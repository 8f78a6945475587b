package io.agentmesh.service.queues;

import com.codahale.metrics.CachedGauge;
import io.agentmesh.service.platform.Platform;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Queue statistics and purging, and the one-number depth gauge ({@code mesh_queue_depth}). */
public final class QueuesFeature {

    public QueuesFeature(Platform p, String routerApplicationId, LongSupplier pendingRetries, java.time.Duration minPurgeAge) {
        QueueStats stats = new QueueStats(p.admin(), p.topics(), routerApplicationId, pendingRetries);
        p.api(new QueueResource(stats, new QueuePurger(p.admin(), p.topics(), p.clock()), minPurgeAge));
        p.env().metrics().register("mesh.queue.depth", new CachedGauge<Long>(5, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                try {
                    return stats.snapshot().depth();
                } catch (RuntimeException e) {
                    return -1L;
                }
            }
        });
    }
}
