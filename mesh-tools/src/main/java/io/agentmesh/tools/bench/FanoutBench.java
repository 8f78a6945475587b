package io.agentmesh.tools.bench;

import io.agentmesh.tools.harness.InboxWatcher;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * One message to {@code namespace:<ns>} with N agents in it: the time from the send until every
 * agent's inbox has its copy. The first round, to agents no record has been written to yet, is
 * reported on its own; then {@code rounds} more.
 */
public final class FanoutBench {

    private final BenchTarget target;
    private final int payloadBytes;

    public FanoutBench(BenchTarget target, int payloadBytes) {
        this.target = target;
        this.payloadBytes = payloadBytes;
    }

    public BenchResults.Fanout run(int agents, int rounds) throws Exception {
        List<String> inboxes = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            String id = String.format("fan-%04d", i);
            target.register(id, "fanout", "fan");
            inboxes.add(target.inbox(id));
        }
        Histogram micros = new Histogram(600_000_000L, 3);
        Copies copies = new Copies();
        long first;
        try (InboxWatcher watcher = new InboxWatcher(target.bootstrapServers(), inboxes, false, copies)) {
            first = round(copies, agents, 0);
            for (int r = 1; r <= rounds; r++) {
                micros.recordValue(round(copies, agents, r));
            }
        }
        return new BenchResults.Fanout(agents, rounds, first / 1000.0, micros.getValueAtPercentile(50) / 1000.0,
                micros.getMaxValue() / 1000.0);
    }

    /** One broadcast; microseconds until the last agent has it. */
    private long round(Copies copies, int agents, int r) throws Exception {
        copies.reset();
        long start = System.nanoTime();
        target.sendGrpc("bench-sender", "namespace:fanout", Payloads.of(start, r, payloadBytes)).get();
        if (!copies.await(agents, 60_000)) {
            throw new IllegalStateException("fan-out: " + copies.count + " of " + agents + " agents got round " + r);
        }
        return (copies.last - start) / 1000;
    }

    private static final class Copies implements InboxWatcher.Arrivals {
        private int count;
        private long last;

        @Override
        public synchronized void arrived(ConsumerRecord<byte[], byte[]> record, long nanos) {
            count++;
            last = nanos;
            notifyAll();
        }

        synchronized void reset() {
            count = 0;
        }

        synchronized boolean await(int n, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            while (count < n && System.currentTimeMillis() < deadline) {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
            return count >= n;
        }
    }
}
