package io.agentmesh.service.grpc;

import io.agentmesh.proto.v1.ConnectRequest;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.service.delivery.DeliverySink;
import io.agentmesh.service.delivery.InboxSessions;
import io.agentmesh.service.delivery.InboxStream;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.delivery.InboxRecord;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * One Connect call: the first request must open the stream (agent, credit); then credit and acks.
 * Any bad request ends the call with INVALID_ARGUMENT; whatever it had not acked is handed back.
 */
final class ConnectCall implements StreamObserver<ConnectRequest>, DeliverySink {

    private static final AtomicLong IDS = new AtomicLong();

    private final ServerCallStreamObserver<Delivery> out;
    private final InboxSessions sessions;
    private final UnaryOperator<String> requireKnownAgent;
    private final int maxCredit;
    private final String id = "stream-" + IDS.incrementAndGet();
    private final String peer = String.valueOf(PeerInterceptor.PEER.get());
    private volatile InboxStream stream;
    private volatile boolean ended;

    ConnectCall(StreamObserver<Delivery> out, InboxSessions sessions, UnaryOperator<String> requireKnownAgent,
                int maxCredit) {
        this.out = (ServerCallStreamObserver<Delivery>) out;
        this.sessions = sessions;
        this.requireKnownAgent = requireKnownAgent;
        this.maxCredit = maxCredit;
        this.out.setOnCancelHandler(this::closeStream);
        // gRPC flow control: deliveries stop while the client does not read, and resume when it does
        this.out.setOnReadyHandler(() -> {
            InboxStream s = stream;
            if (s != null) {
                s.ready();
            }
        });
    }

    @Override
    public boolean ready() {
        return out.isReady();
    }

    @Override
    public void onNext(ConnectRequest request) {
        try {
            switch (request.getKindCase()) {
                case OPEN -> open(request.getOpen().getAgentId(), request.getOpen().getCredit());
                case CREDIT -> requireOpen().credit(checkCredit(request.getCredit().getCredit(), "credit.credit"));
                case ACK -> {
                    if (request.getAck().getDeliveryIdsCount() == 0) {
                        throw MeshException.invalidField("ack.delivery_ids", "give at least one delivery id");
                    }
                    requireOpen().ack(request.getAck().getDeliveryIdsList());
                }
                default -> throw MeshException.invalid("a ConnectRequest needs one of open, credit, ack");
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void open(String agentId, int credit) {
        if (stream != null) {
            throw MeshException.invalidField("open", "the stream is already open");
        }
        String agent = requireKnownAgent.apply(agentId);
        stream = sessions.open(agent, this, checkCredit(credit, "open.credit"));
    }

    private int checkCredit(int credit, String field) {
        if (credit < 1 || credit > maxCredit) {
            throw MeshException.invalidField(field, credit + " is outside 1.." + maxCredit);
        }
        return credit;
    }

    private InboxStream requireOpen() {
        InboxStream s = stream;
        if (s == null) {
            throw MeshException.invalidField("open", "the first request must open the stream (agent_id, credit)");
        }
        return s;
    }

    @Override
    public void onError(Throwable t) {
        closeStream();
    }

    @Override
    public void onCompleted() {
        closeStream();
        end(null);
    }

    private void closeStream() {
        InboxStream s = stream;
        if (s != null) {
            s.close();
        }
    }

    private void fail(RuntimeException e) {
        closeStream();
        InboxStream s = stream;
        Runnable error = () -> {
            if (!ended) {
                ended = true;
                out.onError(GrpcErrors.toStatus(e));
            }
        };
        if (s != null) {
            s.serialized(error);
        } else {
            synchronized (this) {
                error.run();
            }
        }
    }

    // DeliverySink: called by the session under its lock

    @Override
    public void deliver(String deliveryId, InboxRecord record, int attempt) {
        if (ended || out.isCancelled()) {
            return;
        }
        out.onNext(Delivery.newBuilder().setDeliveryId(deliveryId).setMessage(ProtoMapping.message(record))
                .setAttempt(attempt).build());
    }

    @Override
    public void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        try {
            if (reason == null) {
                out.onCompleted();
            } else {
                out.onError(GrpcErrors.toStatus(new MeshException(ErrorCode.DRAINING, reason
                        + "; unacked messages were handed back, reconnect", Map.of())));
            }
        } catch (IllegalStateException e) {
            // already closed by the client
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String peer() {
        return peer;
    }
}
