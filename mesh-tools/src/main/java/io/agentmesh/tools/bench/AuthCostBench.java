package io.agentmesh.tools.bench;

import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.tools.harness.MeshHttp;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What authentication costs on the send path: the same sends (REST, one message per request, and
 * gRPC unary, closed loop with a fixed number of callers) against the bench's node with
 * authentication off, then on with an agent's API key; each side after a restart and a warm-up. Rate limits are set out
 * of reach so only authentication, the sender stamp and the policy check differ.
 */
public final class AuthCostBench {

    private static final String SENDER = "bench-auth-sender";
    private static final String RECEIVER = "bench-auth-receiver";

    private final LocalStack stack;
    private final int payloadBytes;

    public AuthCostBench(LocalStack stack, int payloadBytes) {
        this.stack = stack;
        this.payloadBytes = payloadBytes;
    }

    public List<BenchResults.AuthCost> run(int restMessages, int grpcMessages) throws Exception {
        MeshHttp open = new MeshHttp(stack.restUrl(), Duration.ofSeconds(30));
        register(open, SENDER);
        register(open, RECEIVER);
        // both sides start from a freshly started node and send a warm-up first, so neither is
        // measured on a JIT the other had already warmed
        stack.restartMesh(Map.of("auth.enabled", "false"));
        rest(null, restMessages / 2, 16);
        grpc(null, grpcMessages / 2, 64);
        Sample restOff = rest(null, restMessages, 16);
        Sample grpcOff = grpc(null, grpcMessages, 64);

        String admin = "mko_bench-" + random();
        stack.restartMesh(Map.of("auth.enabled", "true", "auth.bootstrapToken", admin, "limits.enabled", "false"));
        MeshHttp.Reply rotated = new MeshHttp(stack.restUrl(), Duration.ofSeconds(30), admin)
                .post("/api/v1/agents/" + SENDER + "/credentials/rotate", "{}");
        if (rotated.status() != 200) {
            throw new IllegalStateException("a key for the bench sender: " + rotated.status() + " " + rotated.body());
        }
        String key = rotated.json().path("api_key").asText();
        rest(key, restMessages / 2, 16);
        grpc(key, grpcMessages / 2, 64);
        Sample restOn = rest(key, restMessages, 16);
        Sample grpcOn = grpc(key, grpcMessages, 64);
        stack.restartMesh(Map.of("auth.enabled", "false"));

        return List.of(
                new BenchResults.AuthCost("REST send (16 clients)", restMessages, restOff.perSecond, restOn.perSecond,
                        restOff.p50Ms, restOn.p50Ms),
                new BenchResults.AuthCost("gRPC Send (64 callers)", grpcMessages, grpcOff.perSecond, grpcOn.perSecond,
                        grpcOff.p50Ms, grpcOn.p50Ms));
    }

    private record Sample(double perSecond, double p50Ms) {
    }

    private static void register(MeshHttp http, String id) throws Exception {
        MeshHttp.Reply r = http.post("/api/v1/agents", "{\"id\":\"" + id + "\",\"name\":\"" + id
                + "\",\"namespace\":\"bench\",\"heartbeat_ttl_ms\":86400000}");
        if (r.status() != 201 && r.status() != 200) {
            throw new IllegalStateException("register " + id + ": " + r.status() + " " + r.body());
        }
    }

    private Sample rest(String token, int messages, int clients) throws Exception {
        // the body names no sender: with a key the mesh stamps it, without one it stays anonymous
        String to = "agent:" + RECEIVER;
        return closedLoop(messages, clients, () -> {
            MeshHttp http = new MeshHttp(stack.restUrl(), Duration.ofSeconds(30), token);
            return i -> {
                byte[] body = ("{\"to\":\"" + to + "\",\"payload\":"
                        + new String(Payloads.of(System.nanoTime(), i, payloadBytes), StandardCharsets.UTF_8) + "}")
                        .getBytes(StandardCharsets.UTF_8);
                MeshHttp.Reply r = http.post("/api/v1/messages", body);
                if (r.status() != 202) {
                    throw new IllegalStateException("send answered " + r.status() + " " + r.body());
                }
            };
        });
    }

    private Sample grpc(String token, int messages, int callers) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", stack.grpcPort()).usePlaintext().build();
        try {
            io.grpc.Channel ch = channel;
            if (token != null) {
                Metadata md = new Metadata();
                md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
            }
            MeshServiceGrpc.MeshServiceBlockingStub stub = MeshServiceGrpc.newBlockingStub(ch);
            return closedLoop(messages, callers, () -> i -> stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .send(SendRequest.newBuilder().setTo("agent:" + RECEIVER).setContentType("application/json")
                            .setPayload(ByteString.copyFrom(Payloads.of(System.nanoTime(), i, payloadBytes))).build()));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** One send of message {@code i}; throws when the mesh refuses it. */
    private interface Send {
        void send(long i) throws Exception;
    }

    /** {@code workers} threads, each with its own sender, take the next message number until all are sent. */
    private static Sample closedLoop(int messages, int workers, Callable<Send> senderPerWorker) throws Exception {
        AtomicLong next = new AtomicLong();
        Histogram times = new ConcurrentHistogram(3);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                done.add(pool.submit(() -> {
                    Send sender = senderPerWorker.call();
                    for (long i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        sender.send(i);
                        times.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return sample(messages, start, times);
    }

    private static Sample sample(int messages, long start, Histogram micros) {
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Sample(messages / seconds, micros.getValueAtPercentile(50) / 1000.0);
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
