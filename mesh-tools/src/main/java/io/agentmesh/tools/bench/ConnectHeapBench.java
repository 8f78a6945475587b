package io.agentmesh.tools.bench;

import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.Acknowledge;
import io.agentmesh.proto.v1.ConnectRequest;
import io.agentmesh.proto.v1.Credit;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.proto.v1.OpenStream;
import io.agentmesh.proto.v1.SendBatchRequest;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.tools.harness.MeshHttp;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One long-lived gRPC Connect stream takes {@code total} messages, acking each batch as it comes
 * (as an agent that keeps up does); the mesh node's heap after a full GC is read at the start and
 * at every quarter. A stream that kept what it delivered would grow with the count; a bounded one
 * stays flat.
 */
final class ConnectHeapBench {

    private static final int CREDIT = 256;
    private static final int ACK_EVERY = 64;
    private static final int BATCH = 500;
    private static final long MAX_AHEAD = 50_000;

    private final BenchTarget target;
    private final int payloadBytes;

    ConnectHeapBench(BenchTarget target, int payloadBytes) {
        this.target = target;
        this.payloadBytes = payloadBytes;
    }

    List<BenchResults.HeapPoint> run(long total) throws Exception {
        String agent = "heap-" + UUID.randomUUID().toString().substring(0, 8);
        target.register(agent, "bench");
        AtomicLong delivered = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        List<String> pending = new ArrayList<>();
        StreamObserver<ConnectRequest>[] requests = new StreamObserver[1];
        requests[0] = target.async().connect(new StreamObserver<>() {
            @Override
            public void onNext(Delivery d) {
                synchronized (pending) {
                    pending.add(d.getDeliveryId());
                    if (pending.size() >= ACK_EVERY) {
                        requests[0].onNext(ConnectRequest.newBuilder()
                                .setAck(Acknowledge.newBuilder().addAllDeliveryIds(pending)).build());
                        requests[0].onNext(ConnectRequest.newBuilder()
                                .setCredit(Credit.newBuilder().setCredit(pending.size())).build());
                        pending.clear();
                    }
                }
                if (delivered.incrementAndGet() >= total) {
                    done.countDown();
                }
            }

            @Override
            public void onError(Throwable t) {
                failed.set(t);
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        synchronized (pending) {
            requests[0].onNext(ConnectRequest.newBuilder().setOpen(OpenStream.newBuilder().setAgentId(agent)
                    .setCredit(CREDIT)).build());
        }

        List<BenchResults.HeapPoint> points = new ArrayList<>();
        long start = System.nanoTime();
        points.add(heap(0, start));
        ByteString payload = ByteString.copyFrom(Payloads.of(0, 0, payloadBytes));
        long sent = 0;
        long nextCheckpoint = total / 4;
        while (sent < total && failed.get() == null) {
            if (sent - delivered.get() > MAX_AHEAD) {
                Thread.sleep(5);
                continue;
            }
            SendBatchRequest.Builder batch = SendBatchRequest.newBuilder();
            int n = (int) Math.min(BATCH, total - sent);
            for (int i = 0; i < n; i++) {
                batch.addMessages(SendRequest.newBuilder().setTo(agent).setKey("k" + (i % 16)).setPayload(payload));
            }
            int accepted = target.sendGrpcBatch(batch.build()).getAccepted();
            if (accepted != n) {
                throw new IllegalStateException("a batch of " + n + " had " + accepted + " accepted");
            }
            sent += n;
            while (nextCheckpoint < total && delivered.get() >= nextCheckpoint) {
                points.add(heap(delivered.get(), start));
                nextCheckpoint += total / 4;
            }
        }
        while (delivered.get() < total && failed.get() == null) {
            if (!done.await(1, TimeUnit.SECONDS)) {
                while (nextCheckpoint < total && delivered.get() >= nextCheckpoint) {
                    points.add(heap(delivered.get(), start));
                    nextCheckpoint += total / 4;
                }
            }
        }
        if (failed.get() != null) {
            throw new IllegalStateException("the Connect stream failed after " + delivered.get() + " messages", failed.get());
        }
        // the last acks
        synchronized (pending) {
            if (!pending.isEmpty()) {
                requests[0].onNext(ConnectRequest.newBuilder()
                        .setAck(Acknowledge.newBuilder().addAllDeliveryIds(pending)).build());
                pending.clear();
            }
        }
        Thread.sleep(500);
        points.add(heap(delivered.get(), start));
        requests[0].onCompleted();
        return points;
    }

    private BenchResults.HeapPoint heap(long delivered, long start) throws Exception {
        MeshHttp.Reply gc = target.http().post("/api/v1/gc/run", "{}");
        if (gc.status() != 200) {
            throw new IllegalStateException("POST /api/v1/gc/run: " + gc.status() + " " + gc.body());
        }
        BenchResults.HeapPoint p = new BenchResults.HeapPoint(delivered, (System.nanoTime() - start) / 1e9,
                gc.json().path("heap_used_after_bytes").asLong());
        System.out.printf("  %,9d delivered and acked, %6.1f s: mesh heap after GC %,d MiB%n", p.delivered(), p.seconds(),
                p.heapAfterGcBytes() >> 20);
        return p;
    }
}
