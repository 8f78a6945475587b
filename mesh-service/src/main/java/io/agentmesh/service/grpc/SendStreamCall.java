package io.agentmesh.service.grpc;

import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.proto.v1.SendResult;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.errors.ErrorBody;
import io.agentmesh.service.messaging.BatchItemResult;
import io.agentmesh.service.messaging.BatchSender;
import io.agentmesh.service.platform.MeshMetrics;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One SendStream call: every request is sent as a single send and answered by one result, in the
 * order the requests came, however Kafka's answers are ordered. At most {@link #WINDOW} messages
 * are in flight: the call asks gRPC for a further request only for a result that has gone out and
 * only while the client takes results, so a client sending faster than the mesh writes, or not
 * reading its results, is held back by HTTP/2 flow control instead of filling the node's memory.
 * The node can end a call ({@link #end}): it reads no more requests, sends the results of what it
 * has written, then closes with the given status.
 */
final class SendStreamCall implements StreamObserver<SendRequest> {

    /** Messages of one stream read but not yet answered, at most. */
    static final int WINDOW = 1024;
    /** How soon a call owing requests looks again whether the client takes results (a lost ready signal). */
    private static final Executor RECHECK = CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS);

    private final MeshPrincipal caller;
    private final ServerCallStreamObserver<SendResult> out;
    private final BatchSender sender;
    private final MeshMetrics metrics;
    private final Runnable onFinished;
    private final ArrayDeque<CompletableFuture<BatchItemResult>> pending = new ArrayDeque<>();
    private int next;
    /** Requests owed to the client for results that went out while it was not reading. */
    private int owed;
    private boolean recheckScheduled;
    private boolean halfClosed;
    /** Why the node ends the call, once it has decided to. */
    private Status ending;
    private boolean finished;

    /** Must run inside the service method: it takes over gRPC's request flow control. */
    SendStreamCall(MeshPrincipal caller, ServerCallStreamObserver<SendResult> out, BatchSender sender, MeshMetrics metrics,
                   Runnable onFinished) {
        this.caller = caller;
        this.out = out;
        this.sender = sender;
        this.metrics = metrics;
        this.onFinished = onFinished;
        out.disableAutoRequest();
        out.setOnCancelHandler(this::cancelled);
        out.setOnReadyHandler(this::ready);
        out.request(WINDOW);
    }

    MeshPrincipal caller() {
        return caller;
    }

    @Override
    public void onNext(SendRequest request) {
        int index;
        synchronized (this) {
            if (finished || ending != null) {
                // read after the node decided to end the call: not written, no result
                return;
            }
            index = next++;
        }
        CompletableFuture<BatchItemResult> result;
        try {
            result = sender.sendInStream(caller, index, () -> ProtoMapping.command(request));
        } catch (RuntimeException e) {
            result = CompletableFuture.completedFuture(BatchItemResult.rejected(index, null, ErrorBody.of(GrpcErrors.meshError(e))));
        }
        result.thenAccept(r -> {
            // counted whether or not the client is still there to read it: the message was written, or not
            if (r.isAccepted()) {
                metrics.accepted();
            } else {
                metrics.rejected();
            }
        });
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

    /** Reads no more requests; once every result of what was written is out, closes with {@code status}. */
    void end(Status status) {
        synchronized (this) {
            if (finished || ending != null) {
                return;
            }
            ending = status;
        }
        drain();
    }

    /** Sends every result whose turn has come, in order; ends the call once the client or the node is done and all are out. */
    private void drain() {
        boolean done = false;
        synchronized (this) {
            while (!finished && !pending.isEmpty() && pending.peek().isDone()) {
                out.onNext(ProtoMapping.result(pending.poll().join()));
                owed++;
            }
            if (!finished && pending.isEmpty() && (halfClosed || ending != null)) {
                finished = true;
                done = true;
                if (ending == null) {
                    out.onCompleted();
                } else {
                    out.onError(ending.asRuntimeException());
                }
            }
        }
        if (done) {
            onFinished.run();
        } else {
            ready();
        }
    }

    private synchronized void ready() {
        if (finished || ending != null || owed == 0) {
            return;
        }
        if (out.isReady()) {
            out.request(owed);
            owed = 0;
        } else if (!recheckScheduled) {
            // the ready signal normally comes through setOnReadyHandler; should it be lost (its
            // executor full), this keeps the call from waiting for it for ever
            recheckScheduled = true;
            RECHECK.execute(() -> {
                synchronized (this) {
                    recheckScheduled = false;
                }
                ready();
            });
        }
    }

    /** The client went away: results still to come have no one to go to (what was written stays written). */
    private void cancelled() {
        boolean wasFinished;
        synchronized (this) {
            wasFinished = finished;
            finished = true;
            pending.clear();
        }
        if (!wasFinished) {
            onFinished.run();
        }
    }
}
