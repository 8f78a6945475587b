package io.agentmesh.tools.bench;

import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.SendBatchRequest;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.proto.v1.SendResult;
import io.agentmesh.tools.harness.InboxWatcher;
import io.agentmesh.tools.harness.MeshHttp;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Agents exchanging 1 KiB messages through the mesh: one sender, receivers that read their inbox
 * topics straight from Kafka (read_committed). Throughput over gRPC (pipelined unary sends, and the
 * same on one SendStream), REST
 * (keep-alive clients, one message per request) and REST batches; open-loop latency over gRPC.
 */
public final class MeshBench implements AutoCloseable {

    private static final String SENDER = "bench-sender";
    private static final int RECEIVERS = 4;

    private final BenchTarget target;
    private final int payloadBytes;
    private final Arrivals arrivals = new Arrivals();
    private final List<String> receivers = new ArrayList<>();
    private final InboxWatcher watcher;

    public MeshBench(BenchTarget target, int payloadBytes) throws Exception {
        this.target = target;
        this.payloadBytes = payloadBytes;
        target.register(SENDER, "bench");
        for (int i = 0; i < RECEIVERS; i++) {
            String id = "bench-r" + i;
            target.register(id, "bench", "bench-receive");
            receivers.add(id);
        }
        watcher = new InboxWatcher(target.bootstrapServers(), receivers.stream().map(target::inbox).toList(), false, arrivals);
    }

    private String to(long seq) {
        return "agent:" + receivers.get((int) (seq % RECEIVERS));
    }

    public BenchResults.Throughput grpc(int messages, int inFlight) throws Exception {
        arrivals.reset();
        Semaphore window = new Semaphore(inFlight);
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        CompletableFuture<?>[] sends = new CompletableFuture[messages];
        for (int i = 0; i < messages; i++) {
            window.acquire();
            sends[i] = target.sendGrpc(SENDER, to(i), Payloads.of(System.nanoTime(), i, payloadBytes))
                    .whenComplete((r, e) -> {
                        window.release();
                        if (e != null) {
                            failed.incrementAndGet();
                        }
                    });
        }
        CompletableFuture.allOf(sends).exceptionally(e -> null).join();
        return finish("mesh gRPC (" + inFlight + " in flight)", messages, failed.get(), start);
    }

    /**
     * Single sends on one gRPC SendStream with up to {@code inFlight} unanswered: the same messages as
     * {@link #grpc}, one result each, but one HTTP/2 stream for all of them instead of one per send.
     */
    public BenchResults.Throughput grpcStream(int messages, int inFlight) throws Exception {
        arrivals.reset();
        Semaphore window = new Semaphore(inFlight);
        AtomicLong failed = new AtomicLong();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        long start = System.nanoTime();
        StreamObserver<SendRequest> stream = target.async().sendStream(new StreamObserver<>() {
            @Override
            public void onNext(SendResult result) {
                window.release();
                if (result.hasError()) {
                    failed.incrementAndGet();
                }
            }

            @Override
            public void onError(Throwable t) {
                ended.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        });
        for (int i = 0; i < messages; i++) {
            window.acquire();
            stream.onNext(SendRequest.newBuilder().setFrom(SENDER).setTo(to(i))
                    .setPayload(ByteString.copyFrom(Payloads.of(System.nanoTime(), i, payloadBytes))).build());
        }
        stream.onCompleted();
        ended.get(120, TimeUnit.SECONDS);
        return finish("mesh gRPC SendStream (" + inFlight + " in flight)", messages, failed.get(), start);
    }

    public BenchResults.Throughput rest(int messages, int clients) throws Exception {
        arrivals.reset();
        AtomicLong next = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        runClients(clients, () -> {
            MeshHttp http = new MeshHttp(target.restUrl(), Duration.ofSeconds(30));
            for (long i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                byte[] body = BenchTarget.restBody(SENDER, to(i), Payloads.of(System.nanoTime(), i, payloadBytes));
                if (http.post("/api/v1/messages", body).status() != 202) {
                    failed.incrementAndGet();
                }
            }
            return null;
        });
        return finish("mesh REST (" + clients + " clients)", messages, failed.get(), start);
    }

    /** {@code clients} threads each posting REST batches of {@code batchSize} messages. */
    public BenchResults.Throughput batch(int messages, int batchSize, int clients) throws Exception {
        return batched("mesh REST batch", messages, batchSize, clients, () -> {
            MeshHttp http = new MeshHttp(target.restUrl(), Duration.ofSeconds(60));
            return (first, end) -> {
                ByteArrayOutputStream body = new ByteArrayOutputStream(batchSize * (payloadBytes + 100));
                body.write("{\"messages\":[".getBytes(StandardCharsets.UTF_8));
                for (long i = first; i < end; i++) {
                    if (i > first) {
                        body.write(',');
                    }
                    body.write(BenchTarget.restBody(SENDER, to(i), Payloads.of(System.nanoTime(), i, payloadBytes)));
                }
                body.write("]}".getBytes(StandardCharsets.UTF_8));
                MeshHttp.Reply r = http.post("/api/v1/messages/batch", body.toByteArray());
                return r.status() == 200 ? 0 : r.status() == 207 ? r.json().path("rejected").asLong() : end - first;
            };
        });
    }

    /** {@code clients} threads each sending gRPC SendBatch calls of {@code batchSize} messages. */
    public BenchResults.Throughput grpcBatch(int messages, int batchSize, int clients) throws Exception {
        return batched("mesh gRPC SendBatch", messages, batchSize, clients, () -> (first, end) -> {
            SendBatchRequest.Builder batch = SendBatchRequest.newBuilder();
            for (long i = first; i < end; i++) {
                batch.addMessages(SendRequest.newBuilder().setFrom(SENDER).setTo(to(i))
                        .setPayload(ByteString.copyFrom(Payloads.of(System.nanoTime(), i, payloadBytes))));
            }
            return target.sendGrpcBatch(batch.build()).getRejected();
        });
    }

    /** Sends messages [first, end) as one batch; answers how many were not accepted. */
    private interface BatchCall {
        long send(long first, long end) throws Exception;
    }

    private interface BatchClient {
        BatchCall open() throws Exception;
    }

    /** {@code clients} threads, each with its own client, taking the next {@code batchSize} messages until all are sent. */
    private BenchResults.Throughput batched(String path, int messages, int batchSize, int clients, BatchClient client)
            throws Exception {
        arrivals.reset();
        AtomicLong next = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        runClients(clients, () -> {
            BatchCall call = client.open();
            for (long first = next.getAndAdd(batchSize); first < messages; first = next.getAndAdd(batchSize)) {
                failed.addAndGet(call.send(first, Math.min(messages, first + batchSize)));
            }
            return null;
        });
        return finish(path + " (" + batchSize + " x " + clients + ")", messages, failed.get(), start);
    }

    /**
     * REST single sends from {@code wrk}'s keep-alive connections for {@code seconds}, then the same
     * server answering a send that validation refuses (400, no Kafka): the rate the HTTP layer allows.
     */
    public BenchResults.Wrk wrkSends(WrkRunner wrk, int connections, int seconds) throws Exception {
        List<byte[]> sends = new ArrayList<>();
        for (int i = 0; i < RECEIVERS; i++) {
            sends.add(BenchTarget.restBody(SENDER, to(i), Payloads.of(0, i, payloadBytes)));
        }
        arrivals.reset();
        String url = target.restUrl() + "/api/v1/messages";
        WrkRunner.Run send = wrk.post(url, sends, 202, connections, seconds);
        long end = System.nanoTime();
        long accepted = send.requests() - send.failed();
        arrivals.await(accepted, 120_000);
        double deliveredPerSecond = arrivals.count() / ((arrivals.lastNanos() - (end - (long) (send.seconds() * 1e9))) / 1e9);
        BenchResults.Wrk s = new BenchResults.Wrk("REST send", connections, send.requests(), send.failed(), send.seconds(),
                accepted / send.seconds(), send.p50Ms(), send.p99Ms(), send.cpuSeconds(), deliveredPerSecond,
                Math.max(0, (arrivals.lastNanos() - end) / 1e9));
        if (arrivals.count() < accepted) {
            System.out.println("  REST send (wrk): only " + arrivals.count() + " of " + accepted + " accepted arrived");
        }
        return s;
    }

    /**
     * A native client's run: what was delivered, the client's own CPU seconds, and the calls whose
     * message did not arrive (refused by h2load's count, or by the mesh with a gRPC error, which h2load
     * counts as a success: it comes with HTTP 200).
     */
    public record NativeRun(BenchResults.Throughput throughput, double clientCpuSeconds, long calls, long lost) {
    }

    /**
     * The unary gRPC sends of {@link #grpc} from h2load instead of the JVM's gRPC client: one h2load
     * process and connection per receiver, {@code inFlight} calls in flight over all of them.
     */
    public NativeRun h2load(H2loadRunner h2load, int messages, int inFlight) throws Exception {
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < RECEIVERS; i++) {
            requests.add(SendRequest.newBuilder().setFrom(SENDER).setTo(to(i))
                    .setPayload(ByteString.copyFrom(Payloads.of(0, i, payloadBytes))).build().toByteArray());
        }
        arrivals.reset();
        long start = System.nanoTime();
        H2loadRunner.Run run = h2load.unary(target.grpcUrl() + "/" + io.agentmesh.proto.v1.MeshServiceGrpc.getSendMethod()
                .getFullMethodName(), requests, messages / RECEIVERS, inFlight / RECEIVERS);
        String path = "mesh gRPC (h2load, " + RECEIVERS + " connections, " + inFlight + " in flight)";
        arrivals.await(run.requests() - run.failed(), 180_000);
        long delivered = arrivals.count();
        long lost = Math.max(0, run.requests() - delivered);
        if (lost > 0) {
            System.out.println("  " + path + ": " + lost + " of " + run.requests() + " calls' messages did not arrive ("
                    + run.failed() + " failed as h2load counts)");
        }
        return new NativeRun(new BenchResults.Throughput(path, delivered, delivered / run.seconds(),
                delivered / ((arrivals.lastNanos() - start) / 1e9)), run.cpuSeconds(), run.requests(), lost);
    }

    /** The same sends, each refused by validation (an agent id that cannot be one): 400, no Kafka. */
    public BenchResults.Wrk wrkRefused(WrkRunner wrk, int connections, int seconds) throws Exception {
        List<byte[]> refused = new ArrayList<>();
        for (int i = 0; i < RECEIVERS; i++) {
            refused.add(BenchTarget.restBody(SENDER, "agent:Not-An-Id!", Payloads.of(0, i, payloadBytes)));
        }
        WrkRunner.Run no = wrk.post(target.restUrl() + "/api/v1/messages", refused, 400, connections, seconds);
        return new BenchResults.Wrk("REST refused (400)", connections, no.requests(), no.failed(), no.seconds(),
                (no.requests() - no.failed()) / no.seconds(), no.p50Ms(), no.p99Ms(), no.cpuSeconds(), Double.NaN, Double.NaN);
    }

    /** Open-loop gRPC sends at a fixed rate; latency is intended send to arrival in the receiver's inbox. */
    public BenchResults.Latency latency(String guarantee, double rate, long durationMillis) throws Exception {
        arrivals.reset();
        OpenLoop.Result run = OpenLoop.run((seq, payload) -> target.sendGrpc(SENDER, to(seq), payload),
                rate, durationMillis, payloadBytes);
        arrivals.await(run.offered() - run.failed(), 60_000);
        return BenchResults.Latency.of("mesh gRPC", guarantee, rate, run, arrivals.histogram());
    }

    private BenchResults.Throughput finish(String path, int messages, long failed, long start) throws Exception {
        double accepted = (messages - failed) / ((System.nanoTime() - start) / 1e9);
        if (failed > 0) {
            System.out.println("  " + path + ": " + failed + " sends failed");
        }
        if (!arrivals.await(messages - failed, 180_000)) {
            throw new IllegalStateException(path + ": only " + arrivals.count() + " of " + (messages - failed) + " delivered");
        }
        double delivered = (messages - failed) / ((arrivals.lastNanos() - start) / 1e9);
        return new BenchResults.Throughput(path, messages - failed, accepted, delivered);
    }

    private interface Client {
        Void run() throws Exception;
    }

    private static void runClients(int clients, Client client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(client::run));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() throws InterruptedException {
        watcher.close();
    }
}
