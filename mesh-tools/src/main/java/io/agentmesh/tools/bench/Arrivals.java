package io.agentmesh.tools.bench;

import io.agentmesh.tools.harness.InboxWatcher;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.concurrent.TimeUnit;

/**
 * Counts benchmark records as they arrive and records send-to-arrival latency (from the intended
 * send time in the payload, so a sender that fell behind its schedule shows as latency: the
 * coordinated-omission correction) in an HdrHistogram, in microseconds.
 */
public final class Arrivals implements InboxWatcher.Arrivals {

    private final Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    private long count;
    private long firstNanos;
    private long lastNanos;
    private volatile boolean recording = true;

    @Override
    public synchronized void arrived(ConsumerRecord<byte[], byte[]> record, long nanos) {
        long intended = Payloads.intendedNanos(record.value());
        if (intended < 0 || !recording) {
            return;
        }
        if (count == 0) {
            firstNanos = nanos;
        }
        count++;
        lastNanos = nanos;
        latencyMicros.recordValue(Math.max(0, Math.min((nanos - intended) / 1000, latencyMicros.getHighestTrackableValue())));
        notifyAll();
    }

    public synchronized long count() {
        return count;
    }

    public synchronized long lastNanos() {
        return lastNanos;
    }

    public synchronized long firstNanos() {
        return firstNanos;
    }

    /** Waits until at least {@code n} have arrived; false on timeout. */
    public synchronized boolean await(long n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (count < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Starts over: what arrives from now on is counted afresh. */
    public synchronized void reset() {
        latencyMicros.reset();
        count = 0;
        firstNanos = 0;
        lastNanos = 0;
    }

    public synchronized Histogram histogram() {
        return latencyMicros.copy();
    }
}
