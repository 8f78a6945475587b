package io.agentmesh.service.grpc;

import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.proto.v1.SendResult;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.messaging.BatchItemResult;
import io.agentmesh.service.messaging.BatchSender;
import io.agentmesh.service.platform.MeshMetrics;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One SendStream call: every request is sent as a single send and answered by one result, in the
 * order the requests came, however Kafka's answers are ordered. At most {@link #WINDOW} messages
 * are in flight: the call asks gRPC for a further request only for a result that has gone out and
 * only while the client takes results, so a client sending faster than the mesh writes, or not
 * reading its results, is held back by HTTP/2 flow control instead of filling the node's memory.
 */
final class SendStreamCall implements StreamObserver<SendRequest> {

    /** Messages of one stream read but not yet answered, at most. */
    static final int WINDOW = 1024;

    private final MeshPrincipal caller;
    private final ServerCallStreamObserver<SendResult> out;
    private final BatchSender sender;
    private final MeshMetrics metrics;
    private final ArrayDeque<CompletableFuture<BatchItemResult>> pending = new ArrayDeque<>();
    private int next;
    /** Requests owed to the client for results that went out while it was not reading. */
    private int owed;
    private boolean halfClosed;
    private boolean finished;

    /** Must run inside the service method: it takes over gRPC's request flow control. */
    SendStreamCall(MeshPrincipal caller, ServerCallStreamObserver<SendResult> out, BatchSender sender, MeshMetrics metrics) {
        this.caller = caller;
        this.out = out;
        this.sender = sender;
        this.metrics = metrics;
        out.disableAutoRequest();
        out.setOnCancelHandler(this::cancelled);
        out.setOnReadyHandler(this::ready);
        out.request(WINDOW);
    }

    @Override
    public void onNext(SendRequest request) {
        CompletableFuture<BatchItemResult> result;
        try {
            int index;
            synchronized (this) {
                index = next++;
            }
            result = sender.sendInStream(caller, index, () -> ProtoMapping.command(request));
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        synchronized (this) {
            pending.add(result);
        }
        result.whenComplete((r, e) -> drain());
    }

    @Override
    public void onError(Throwable t) {
        cancelled();
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            halfClosed = true;
        }
        drain();
    }

    /** Sends every result whose turn has come, in order; ends the call once the client is done and all are out. */
    private synchronized void drain() {
        while (!finished && !pending.isEmpty() && pending.peek().isDone()) {
            BatchItemResult item = pending.poll().join();
            if (item.isAccepted()) {
                metrics.accepted();
            } else {
                metrics.rejected();
            }
            out.onNext(ProtoMapping.result(item));
            owed++;
        }
        if (finished) {
            return;
        }
        if (halfClosed && pending.isEmpty()) {
            finished = true;
            out.onCompleted();
            return;
        }
        ready();
    }

    private synchronized void ready() {
        if (!finished && owed > 0 && out.isReady()) {
            out.request(owed);
            owed = 0;
        }
    }

    private synchronized void fail(RuntimeException e) {
        if (!finished) {
            finished = true;
            pending.clear();
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    /** The client went away: results still to come have no one to go to (what was written stays written). */
    private synchronized void cancelled() {
        finished = true;
        pending.clear();
    }
}
