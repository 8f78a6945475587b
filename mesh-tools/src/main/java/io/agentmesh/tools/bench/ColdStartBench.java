package io.agentmesh.tools.bench;

import io.agentmesh.tools.harness.InboxWatcher;
import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.tools.harness.MeshHttp;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Cold start as its own figure: the bench's node restarted (everything else up, agents
 * registered), the first message sent the moment the router reports RUNNING and timed to the
 * receiver's inbox, then a steady stream at a low rate before any warm-up. Times count from the
 * moment the old process is gone; /health is polled every 50 ms. A fresh gRPC channel after the
 * restart, so the client's reconnect back-off is not counted.
 */
final class ColdStartBench {

    private static final String RECEIVER = "cold-r";
    private static final String SENDER = "cold-s";

    private final BenchTarget target;
    private final LocalStack stack;
    private final int payloadBytes;

    ColdStartBench(BenchTarget target, LocalStack stack, int payloadBytes) {
        this.target = target;
        this.stack = stack;
        this.payloadBytes = payloadBytes;
    }

    BenchResults.ColdStart run(int messages, double rate) throws Exception {
        target.register(SENDER, "bench");
        target.register(RECEIVER, "bench");
        Arrivals arrivals = new Arrivals();
        try (InboxWatcher watcher = new InboxWatcher(target.bootstrapServers(), List.of(target.inbox(RECEIVER)), false,
                arrivals)) {
            // stopped first, so the figures count from a node that is gone (not its graceful shutdown)
            stack.mesh().stop(60);
            long stopped = System.nanoTime();
            stack.restartMesh(Map.of());
            long healthy = System.nanoTime();
            MeshHttp http = new MeshHttp(stack.restUrl(), Duration.ofSeconds(10));
            long deadline = System.currentTimeMillis() + 180_000;
            while (!http.get("/health").json().path("components").path("streams").path("detail").asText()
                    .contains("RUNNING")) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the router did not report RUNNING within 3 minutes of a restart");
                }
                // every /health runs all the checks: not so often that polling slows the start it times
                Thread.sleep(50);
            }
            long running = System.nanoTime();
            try (BenchTarget fresh = new BenchTarget(target.bootstrapServers(), stack.restUrl(), "127.0.0.1", stack.grpcPort(),
                    "mesh")) {
                arrivals.reset();
                long sent = System.nanoTime();
                fresh.sendGrpc(SENDER, "agent:" + RECEIVER, Payloads.of(sent, 0, payloadBytes)).join();
                if (!arrivals.await(1, 120_000)) {
                    throw new IllegalStateException("the first message after a restart did not arrive within 2 minutes");
                }
                double firstMs = (arrivals.firstNanos() - sent) / 1e6;
                arrivals.reset();
                OpenLoop.Result run = OpenLoop.run((seq, payload) -> fresh.sendGrpc(SENDER, "agent:" + RECEIVER, payload),
                        rate, (long) (messages * 1000 / rate), payloadBytes);
                arrivals.await(run.offered() - run.failed(), 60_000);
                Histogram h = arrivals.histogram();
                return new BenchResults.ColdStart((healthy - stopped) / 1e9, (running - stopped) / 1e9, firstMs,
                        (int) run.offered(), rate, BenchResults.Latency.percentile(h, 50), BenchResults.Latency.percentile(h, 99),
                        h.getMaxValue() / 1000.0);
            }
        }
    }
}
