package io.agentmesh.tools.bench;

import io.agentmesh.tools.harness.ChildProcess;
import io.agentmesh.tools.harness.InboxWatcher;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What waiting messages cost: {@code parked} messages for a capability no agent has, while a steady
 * load runs to other agents. Reports the mesh's CPU at rest and under the load, with and without
 * them, the load's latency both ways, then registers an agent with the capability and times how
 * long it takes for every waiting message to arrive, checking their order per routing key.
 */
final class ParkedBench {

    private static final int KEYS = 64;

    private final BenchTarget target;
    private final ChildProcess mesh;
    private final int payloadBytes;

    ParkedBench(BenchTarget target, ChildProcess mesh, int payloadBytes) {
        this.target = target;
        this.mesh = mesh;
        this.payloadBytes = payloadBytes;
    }

    BenchResults.Parked run(int parked, double rate, long millis) throws Exception {
        String capability = "absent-" + UUID.randomUUID().toString().substring(0, 8);
        try (MeshBench load = new MeshBench(target, payloadBytes)) {
            load.latency("warm-up", rate, Math.min(millis, 3000));
            double idleBefore = cpuOver(millis);
            double cpuBefore = mesh.cpuSeconds();
            BenchResults.Latency without = load.latency("without parked", rate, millis);
            double loadBefore = mesh.cpuSeconds() - cpuBefore;

            park(capability, parked);
            double idleWith = cpuOver(millis);
            double cpuWith = mesh.cpuSeconds();
            BenchResults.Latency with = load.latency("with " + parked + " parked", rate, millis);
            double loadWith = mesh.cpuSeconds() - cpuWith;

            ReleaseWatch release = new ReleaseWatch(parked);
            String agent = "wakes-" + capability;
            target.register(agent, "bench");
            try (InboxWatcher watcher = new InboxWatcher(target.bootstrapServers(), List.of(target.inbox(agent)), true,
                    (r, nanos) -> release.arrived(r.key(), r.value(), nanos))) {
                long start = System.nanoTime();
                target.register(agent, "bench", capability);
                release.await(600_000);
                double seconds = (release.lastNanos() - start) / 1e9;
                return new BenchResults.Parked(parked, idleBefore / (millis / 1000.0), idleWith / (millis / 1000.0),
                        loadBefore / (millis / 1000.0), loadWith / (millis / 1000.0), without.p99(), with.p99(),
                        release.count(), seconds, release.outOfOrder());
            }
        }
    }

    /** The mesh's CPU seconds over a quiet {@code millis}. */
    private double cpuOver(long millis) throws Exception {
        double before = mesh.cpuSeconds();
        Thread.sleep(millis);
        return mesh.cpuSeconds() - before;
    }

    /**
     * Sends the messages, each key's one after another (the next only once the mesh accepted the
     * previous, so the accepted order is the send order), the keys side by side; then waits until
     * the router has taken them all in.
     */
    private void park(String capability, int parked) throws Exception {
        List<CompletableFuture<?>> chains = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
            for (long seq = k; seq < parked; seq += KEYS) {
                byte[] payload = ByteBuffer.allocate(Math.max(8, payloadBytes)).putLong(seq).array();
                String key = "k" + k;
                // waiting out the measurements takes longer than the default attempts last (about 31 s): 100
                // attempts keep them parked for over an hour
                chain = chain.thenCompose(ignored -> target.sendGrpc("bench-parker", "capability:" + capability, key,
                        payload, 100));
            }
            chains.add(chain);
        }
        CompletableFuture.allOf(chains.toArray(new CompletableFuture[0])).join();
        long deadline = System.currentTimeMillis() + 600_000;
        while (target.http().get("/api/v1/queues/stats").json().path("router_lag").asLong() > 0
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        Thread.sleep(2000);
        System.out.printf("  %,d messages parked for capability:%s%n", parked, capability);
    }

    /** Arrivals of the released messages: count, last arrival, and order per key. */
    private static final class ReleaseWatch {
        private final int expected;
        private final Map<String, Long> lastSeq = new HashMap<>();
        private final AtomicLong outOfOrder = new AtomicLong();
        private long count;
        private long last;

        ReleaseWatch(int expected) {
            this.expected = expected;
        }

        synchronized void arrived(byte[] key, byte[] value, long nanos) {
            long seq = ByteBuffer.wrap(value).getLong();
            String k = key == null ? "" : new String(key);
            Long before = lastSeq.put(k, seq);
            if (before != null && before > seq) {
                outOfOrder.incrementAndGet();
            }
            count++;
            last = nanos;
            notifyAll();
        }

        synchronized void await(long timeoutMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (count < expected && System.currentTimeMillis() < deadline) {
                wait(1000);
            }
        }

        synchronized long count() {
            return count;
        }

        synchronized long lastNanos() {
            return last;
        }

        long outOfOrder() {
            return outOfOrder.get();
        }
    }
}
