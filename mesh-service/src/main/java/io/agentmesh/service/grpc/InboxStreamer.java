package io.agentmesh.service.grpc;

import io.agentmesh.proto.v1.InboxMessage;
import io.agentmesh.service.delivery.DeliveryEvents;
import io.agentmesh.service.delivery.InboxReader;
import io.agentmesh.service.delivery.InboxRecord;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * One Subscribe stream: reads the agent's inbox from its acknowledged position and sends each
 * message when the client's transport is ready (gRPC flow control), so at most one poll batch is
 * held for a slow client. Ends when the client cancels or the server stops.
 */
final class InboxStreamer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.grpc");
    private static final int BATCH = 100;

    private final InboxReader reader;
    private final DeliveryEvents deliveries;
    private final String agentId;
    private final ServerCallStreamObserver<InboxMessage> observer;
    private volatile boolean cancelled;
    private volatile String endReason;
    private volatile Consumer<byte[], byte[]> consumer;

    InboxStreamer(InboxReader reader, DeliveryEvents deliveries, String agentId,
                  ServerCallStreamObserver<InboxMessage> observer) {
        this.reader = reader;
        this.deliveries = deliveries;
        this.agentId = agentId;
        this.observer = observer;
        observer.setOnCancelHandler(this::cancel);
    }

    /** Ends the stream from the server side (drain); the client sees UNAVAILABLE and reconnects elsewhere. */
    void end(String reason) {
        endReason = reason;
        cancel();
    }

    void cancel() {
        cancelled = true;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        try (Consumer<byte[], byte[]> c = reader.openAtAckedPosition(agentId, BATCH)) {
            consumer = c;
            while (!cancelled && !Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(250))) {
                    if (!awaitReady()) {
                        return;
                    }
                    InboxRecord record = InboxRecord.of(r);
                    observer.onNext(ProtoMapping.message(record));
                    deliveries.delivered(agentId, "grpc", java.util.List.of(record));
                }
            }
            if (!cancelled) {
                observer.onError(Status.UNAVAILABLE.withDescription("server is shutting down").asRuntimeException());
            }
        } catch (WakeupException e) {
            LOG.debug("subscription of {} cancelled", agentId);
            if (endReason != null) {
                observer.onError(GrpcErrors.toStatus(new io.agentmesh.service.errors.MeshException(
                        io.agentmesh.service.errors.ErrorCode.DRAINING, endReason)));
            }
        } catch (RuntimeException e) {
            if (!cancelled) {
                observer.onError(GrpcErrors.toStatus(e));
            }
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
