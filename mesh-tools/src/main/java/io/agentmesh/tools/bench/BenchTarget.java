package io.agentmesh.tools.bench;

import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.proto.v1.SendBatchRequest;
import io.agentmesh.proto.v1.SendBatchResponse;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.proto.v1.SendResponse;
import io.agentmesh.tools.harness.Heartbeats;
import io.agentmesh.tools.harness.MeshHttp;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The mesh and broker under test, and clients for them: REST, gRPC, and the agent registration the benches share. */
public final class BenchTarget implements AutoCloseable {

    private final String bootstrapServers;
    private final MeshHttp http;
    private final ManagedChannel channel;
    private final MeshServiceGrpc.MeshServiceStub grpc;
    private final String topicPrefix;
    private final Heartbeats heartbeats;
    private final String grpcUrl;

    public BenchTarget(String bootstrapServers, String restUrl, String grpcHost, int grpcPort, String topicPrefix) {
        this.bootstrapServers = bootstrapServers;
        this.grpcUrl = "http://" + (grpcHost.contains(":") ? "[" + grpcHost + "]" : grpcHost) + ":" + grpcPort;
        this.http = new MeshHttp(restUrl, Duration.ofSeconds(30));
        this.channel = ManagedChannelBuilder.forAddress(grpcHost, grpcPort).usePlaintext().build();
        this.grpc = MeshServiceGrpc.newStub(channel);
        this.topicPrefix = topicPrefix;
        this.heartbeats = new Heartbeats(http, Duration.ofSeconds(10));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public MeshHttp http() {
        return http;
    }

    /** The gRPC server as an h2c URL (for a native client). */
    public String grpcUrl() {
        return grpcUrl;
    }

    public String restUrl() {
        return http.baseUrl();
    }

    public String inbox(String agent) {
        return topicPrefix + ".agent." + agent;
    }

    /**
     * Registers (or re-registers) an agent with the mesh's default TTL and keeps it alive with a
     * heartbeat every 10 s, as a real agent would.
     */
    public void register(String id, String namespace, String... capabilities) throws IOException, InterruptedException {
        StringBuilder caps = new StringBuilder();
        for (String c : capabilities) {
            caps.append(caps.length() == 0 ? "" : ",").append('"').append(c).append('"');
        }
        MeshHttp.Reply r = http.post("/api/v1/agents", "{\"id\":\"" + id + "\",\"name\":\"" + id + "\""
                + (namespace == null ? "" : ",\"namespace\":\"" + namespace + "\"")
                + ",\"capabilities\":[" + caps + "]}");
        if (r.status() != 201 && r.status() != 200) {
            throw new IllegalStateException("register " + id + ": " + r.status() + " " + r.body());
        }
        heartbeats.add(id);
    }

    /** Registers the agents in one batch call; fails unless each was registered. */
    public void registerBatch(List<String> ids, String namespace, String capability) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder("{\"agents\":[");
        for (int i = 0; i < ids.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids.get(i)).append("\",\"name\":\"").append(ids.get(i))
                    .append("\",\"namespace\":\"").append(namespace).append("\",\"capabilities\":[\"").append(capability)
                    .append("\"]}");
        }
        MeshHttp.Reply r = http.post("/api/v1/agents/batch", body.append("]}").toString());
        if (r.status() != 200 || r.json().path("registered").asInt() != ids.size()) {
            throw new IllegalStateException("batch registration: " + r.status() + " " + r.body());
        }
        ids.forEach(heartbeats::add);
    }

    /** The asynchronous gRPC stub (streams: Connect, Subscribe). */
    public MeshServiceGrpc.MeshServiceStub async() {
        return grpc;
    }

    /** A gRPC Send, not waiting: the future completes when the mesh has accepted it. */
    public CompletableFuture<SendResponse> sendGrpc(String from, String to, byte[] payload) {
        return sendGrpc(from, to, null, payload);
    }

    /** As {@link #sendGrpc(String, String, byte[])} with a routing key (null: the message id). */
    public CompletableFuture<SendResponse> sendGrpc(String from, String to, String key, byte[] payload) {
        return sendGrpc(from, to, key, payload, 0);
    }

    /** As above, overriding the routing attempts before the message is dead-lettered (0: the mesh's default). */
    public CompletableFuture<SendResponse> sendGrpc(String from, String to, String key, byte[] payload, int maxAttempts) {
        CompletableFuture<SendResponse> done = new CompletableFuture<>();
        SendRequest.Builder request = SendRequest.newBuilder().setFrom(from).setTo(to).setPayload(ByteString.copyFrom(payload))
                .setMaxAttempts(maxAttempts);
        if (key != null) {
            request.setKey(key);
        }
        grpc.send(request.build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(SendResponse value) {
                        done.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        // completed in onNext
                    }
                });
        return done;
    }

    /** A gRPC SendBatch, waiting for its answer. */
    public SendBatchResponse sendGrpcBatch(SendBatchRequest batch) {
        return MeshServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).sendBatch(batch);
    }

    /** The JSON body of a REST send whose payload is already JSON. */
    public static byte[] restBody(String from, String to, byte[] payload) {
        byte[] head = ("{\"to\":\"" + to + "\",\"from\":\"" + from + "\",\"payload\":")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + payload.length + 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        out[out.length - 1] = '}';
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        heartbeats.close();
        channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
    }
}
