package io.agentmesh.service.it;

import io.agentmesh.proto.v1.Acknowledge;
import io.agentmesh.proto.v1.ConnectRequest;
import io.agentmesh.proto.v1.Credit;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.proto.v1.InboxMessage;
import io.agentmesh.proto.v1.OpenStream;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.proto.v1.SubscribeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A plaintext gRPC client of one mesh node. */
public final class GrpcClient implements AutoCloseable {

    private final ManagedChannel channel;

    public GrpcClient(int port) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    public ManagedChannel channel() {
        return channel;
    }

    public MeshServiceGrpc.MeshServiceBlockingStub blocking() {
        return MeshServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** Subscribes and collects what arrives until closed. */
    public Subscription subscribe(String agentId) {
        Subscription s = new Subscription();
        MeshServiceGrpc.newStub(channel).subscribe(SubscribeRequest.newBuilder().setAgentId(agentId).build(), s);
        return s;
    }

    /** Opens a Connect stream for the agent with this much credit. */
    public Connection connect(String agentId, int credit) {
        Connection c = new Connection();
        c.requests = MeshServiceGrpc.newStub(channel).connect(c);
        c.requests.onNext(ConnectRequest.newBuilder().setOpen(OpenStream.newBuilder().setAgentId(agentId).setCredit(credit)).build());
        return c;
    }

    /**
     * Opens a Connect stream once the agent's inbox can be streamed (it may still be held elsewhere
     * for a while): tries each second, a stream that stays open half a second is the one.
     */
    public Connection connectOnceFree(String agentId, int credit, java.time.Duration within) {
        Connection[] open = new Connection[1];
        org.awaitility.Awaitility.await().atMost(within).pollInterval(java.time.Duration.ofSeconds(1)).until(() -> {
            Connection c = connect(agentId, credit);
            Thread.sleep(500);
            if (c.error.get() != null) {
                return false;
            }
            open[0] = c;
            return true;
        });
        return open[0];
    }

    /** A Connect stream: what arrived, how it ended, and the calls to grant credit and ack. */
    public static final class Connection implements StreamObserver<Delivery> {
        public final List<Delivery> received = new CopyOnWriteArrayList<>();
        public final AtomicReference<Throwable> error = new AtomicReference<>();
        public volatile boolean completed;
        StreamObserver<ConnectRequest> requests;

        public synchronized void credit(int n) {
            requests.onNext(ConnectRequest.newBuilder().setCredit(Credit.newBuilder().setCredit(n)).build());
        }

        public synchronized void ack(List<String> deliveryIds) {
            requests.onNext(ConnectRequest.newBuilder().setAck(Acknowledge.newBuilder().addAllDeliveryIds(deliveryIds)).build());
        }

        public synchronized void send(ConnectRequest raw) {
            requests.onNext(raw);
        }

        /** Drops the stream without acking anything more (the client goes away). */
        public synchronized void cancel() {
            requests.onError(io.grpc.Status.CANCELLED.withDescription("client went away").asRuntimeException());
        }

        public List<String> ids() {
            return received.stream().map(d -> d.getMessage().getId()).toList();
        }

        @Override
        public void onNext(Delivery value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }

    public static final class Subscription implements StreamObserver<InboxMessage> {
        public final List<InboxMessage> received = new CopyOnWriteArrayList<>();
        public final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        public void onNext(InboxMessage value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onCompleted() {
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
