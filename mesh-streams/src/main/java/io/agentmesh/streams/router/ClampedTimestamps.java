package io.agentmesh.streams.router;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import java.util.function.LongSupplier;

/**
 * A message's record time, but never further ahead of this node's clock than {@code maxAheadMs}:
 * one record stamped in the future (a skewed clock, a hand-made record) would otherwise move the
 * partition's stream time past every id the dedupe window remembers, and later copies would be
 * delivered again. A record without a valid time takes the partition's time, else the clock's.
 */
final class ClampedTimestamps implements TimestampExtractor {

    private final LongSupplier now;
    private final long maxAheadMs;

    ClampedTimestamps(LongSupplier now, long maxAheadMs) {
        this.now = now;
        this.maxAheadMs = maxAheadMs;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long limit = now.getAsLong() + maxAheadMs;
        long ts = record.timestamp();
        if (ts < 0) {
            return partitionTime >= 0 ? Math.min(partitionTime, limit) : now.getAsLong();
        }
        return Math.min(ts, limit);
    }
}
