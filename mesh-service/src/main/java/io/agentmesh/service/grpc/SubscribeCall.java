package io.agentmesh.service.grpc;

import io.agentmesh.proto.v1.InboxMessage;
import io.agentmesh.service.delivery.DeliveryEvents;
import io.agentmesh.service.delivery.InboxCursor;
import io.agentmesh.service.delivery.InboxPump;
import io.agentmesh.service.delivery.InboxRecord;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One Subscribe call: sends each message when the client's transport is ready (gRPC flow control),
 * so at most one read batch is held for a slow client. Ends when the client cancels, the node
 * drains (DRAINING: reconnect elsewhere) or the server stops (UNAVAILABLE).
 */
final class SubscribeCall implements InboxPump.Handoff {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.grpc");

    private final String agentId;
    private final ServerCallStreamObserver<InboxMessage> observer;
    private final DeliveryEvents deliveries;
    private volatile boolean cancelled;
    private volatile InboxPump pump;

    SubscribeCall(String agentId, ServerCallStreamObserver<InboxMessage> observer, DeliveryEvents deliveries) {
        this.agentId = agentId;
        this.observer = observer;
        this.deliveries = deliveries;
        observer.setOnCancelHandler(this::cancel);
    }

    void attach(InboxPump running) {
        this.pump = running;
        if (cancelled) {
            running.stop(null);
        }
    }

    private void cancel() {
        cancelled = true;
        InboxPump p = pump;
        if (p != null) {
            p.stop(null);
        }
    }

    @Override
    public boolean hand(InboxCursor.Batch batch) {
        for (InboxRecord record : batch.records()) {
            if (!awaitReady()) {
                return false;
            }
            observer.onNext(ProtoMapping.message(record));
            deliveries.delivered(agentId, "grpc", List.of(record));
        }
        return true;
    }

    @Override
    public boolean idle() {
        return !cancelled;
    }

    @Override
    public void ended(InboxCursor cursor, String stopReason, Throwable failure) {
        if (cancelled) {
            LOG.debug("subscription of {} cancelled", agentId);
            return;
        }
        if (stopReason != null) {
            observer.onError(GrpcErrors.toStatus(new MeshException(ErrorCode.DRAINING, stopReason)));
        } else if (failure == null || failure instanceof InterruptedException) {
            observer.onError(Status.UNAVAILABLE.withDescription("server is shutting down").asRuntimeException());
        } else {
            observer.onError(GrpcErrors.toStatus(failure));
        }
    }

    private boolean awaitReady() {
        while (!observer.isReady()) {
            if (cancelled || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        return !cancelled;
    }
}
