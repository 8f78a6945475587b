package io.agentmesh.tools.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Offers load at a fixed rate whatever the system under test does (open loop): message i is
 * due at start + i / rate and carries that due time, so when sends fall behind, the delay counts
 * as latency instead of hiding (coordinated omission).
 */
public final class OpenLoop {

    /** What one run offered: how many sends, how many failed, the rate it achieved. */
    public record Result(long offered, long failed, double achievedRate) {
    }

    private OpenLoop() {
    }

    public static Result run(Sender sender, double ratePerSecond, long durationMillis, int payloadBytes) {
        long interval = (long) (1_000_000_000L / ratePerSecond);
        long total = (long) (ratePerSecond * durationMillis / 1000.0);
        AtomicLong failed = new AtomicLong();
        CompletableFuture<?>[] sends = new CompletableFuture[(int) total];
        long start = System.nanoTime() + 1_000_000;
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            sends[(int) i] = sender.send(i, Payloads.of(due, i, payloadBytes))
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                        }
                    });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CompletableFuture.allOf(sends).exceptionally(e -> null).join();
        return new Result(total, failed.get(), total / Math.max(seconds, 1e-9));
    }
}
