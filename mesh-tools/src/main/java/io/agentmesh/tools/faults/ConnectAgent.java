package io.agentmesh.tools.faults;

import io.agentmesh.proto.v1.Acknowledge;
import io.agentmesh.proto.v1.ConnectRequest;
import io.agentmesh.proto.v1.Credit;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.proto.v1.OpenStream;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Takes its messages over a gRPC Connect stream: processes each delivery, then acks it and grants one more credit. */
final class ConnectAgent extends PathAgent {

    private static final int CREDIT = 64;

    private final List<ManagedChannel> channels = new ArrayList<>();
    private volatile StreamObserver<ConnectRequest> current;

    ConnectAgent(Ledger ledger, List<Integer> grpcPorts) {
        super(DeliveryPath.CONNECT, ledger, grpcPorts.size());
        for (int port : grpcPorts) {
            channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
        }
    }

    @Override
    void session(int node) throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        Throwable[] failure = new Throwable[1];
        Object lock = new Object();
        @SuppressWarnings("unchecked")
        StreamObserver<ConnectRequest>[] requests = new StreamObserver[1];
        synchronized (lock) {
            requests[0] = MeshServiceGrpc.newStub(pick(channels, node)).connect(new StreamObserver<>() {
                @Override
                public void onNext(Delivery d) {
                    processed(d.getMessage().getId());
                    synchronized (lock) {
                        try {
                            requests[0].onNext(ConnectRequest.newBuilder()
                                    .setAck(Acknowledge.newBuilder().addDeliveryIds(d.getDeliveryId())).build());
                            requests[0].onNext(ConnectRequest.newBuilder().setCredit(Credit.newBuilder().setCredit(1)).build());
                        } catch (RuntimeException e) {
                            // the stream ended under us: the unacked delivery comes again on the next one
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    failure[0] = t;
                    ended.countDown();
                }

                @Override
                public void onCompleted() {
                    ended.countDown();
                }
            });
            requests[0].onNext(ConnectRequest.newBuilder().setOpen(OpenStream.newBuilder().setAgentId(agentId())
                    .setCredit(CREDIT)).build());
        }
        current = requests[0];
        while (running.get() && !ended.await(1, TimeUnit.SECONDS)) {
            // the stream runs until the node ends it or goes away
        }
        if (failure[0] != null) {
            trouble(failure[0].toString());
        }
        disconnect();
    }

    @Override
    void disconnect() {
        StreamObserver<ConnectRequest> r = current;
        current = null;
        if (r != null) {
            // cancel is safe from any thread; what was not acked is handed back to the next stream
            ((ClientCallStreamObserver<ConnectRequest>) r).cancel("the agent reconnects or stops", null);
        }
    }

    @Override
    public void close() throws InterruptedException {
        super.close();
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
