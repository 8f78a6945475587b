package io.agentmesh.service.it;

import io.agentmesh.proto.v1.InboxMessage;
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
