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

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        ClosedLoop.Sample restOff = rest(null, restMessages, 16);
        ClosedLoop.Sample grpcOff = grpc(null, grpcMessages, 64);

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
        ClosedLoop.Sample restOn = rest(key, restMessages, 16);
        ClosedLoop.Sample grpcOn = grpc(key, grpcMessages, 64);
        stack.restartMesh(Map.of("auth.enabled", "false"));

        return List.of(
                new BenchResults.AuthCost("REST send (16 clients)", restMessages, restOff.perSecond(), restOn.perSecond(),
                        restOff.p50Ms(), restOn.p50Ms()),
                new BenchResults.AuthCost("gRPC Send (64 callers)", grpcMessages, grpcOff.perSecond(), grpcOn.perSecond(),
                        grpcOff.p50Ms(), grpcOn.p50Ms()));
    }

    private static void register(MeshHttp http, String id) throws Exception {
        MeshHttp.Reply r = http.post("/api/v1/agents", "{\"id\":\"" + id + "\",\"name\":\"" + id
                + "\",\"namespace\":\"bench\",\"heartbeat_ttl_ms\":86400000}");
        if (r.status() != 201 && r.status() != 200) {
            throw new IllegalStateException("register " + id + ": " + r.status() + " " + r.body());
        }
    }

    private ClosedLoop.Sample rest(String token, int messages, int clients) throws Exception {
        // the body names no sender: with a key the mesh stamps it, without one it stays anonymous
        return RestSends.run(() -> new MeshHttp(stack.restUrl(), Duration.ofSeconds(30), token, stack.meshTls()),
                "agent:" + RECEIVER, messages, clients, payloadBytes);
    }

    private ClosedLoop.Sample grpc(String token, int messages, int callers) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", stack.grpcPort()).usePlaintext().build();
        try {
            io.grpc.Channel ch = channel;
            if (token != null) {
                Metadata md = new Metadata();
                md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
            }
            MeshServiceGrpc.MeshServiceBlockingStub stub = MeshServiceGrpc.newBlockingStub(ch);
            return ClosedLoop.run(messages, callers, () -> i -> stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .send(SendRequest.newBuilder().setTo("agent:" + RECEIVER).setContentType("application/json")
                            .setPayload(ByteString.copyFrom(Payloads.of(System.nanoTime(), i, payloadBytes))).build()));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
