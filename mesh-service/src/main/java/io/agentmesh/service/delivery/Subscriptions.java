package io.agentmesh.service.delivery;

import io.agentmesh.service.common.BoundedGate;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.registry.AgentActivity;
import io.agentmesh.service.registry.AgentLiveness;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * gRPC Subscribe streams: each reads its agent's inbox from the acknowledged position on a thread
 * of its own and hands every message to the client as the transport takes it. The client
 * acknowledges with the Ack call, as a long-poll client does.
 */
public final class Subscriptions {

    public static final String KIND = "grpc_subscribe_streams";
    private static final int READ_AHEAD = 100;

    private final InboxReader reader;
    private final InboxSessions sessions;
    private final BoundedGate gate;
    private final LiveStreams live;
    private final ExecutorService threads;
    private final AgentActivity activity;

    public Subscriptions(InboxReader reader, InboxSessions sessions, BoundedGate gate, LiveStreams live,
                         ExecutorService threads, AgentActivity activity) {
        this.reader = reader;
        this.sessions = sessions;
        this.gate = gate;
        this.live = live;
        this.threads = threads;
        this.activity = activity;
    }

    /** Starts a stream of a registered agent's inbox; the returned pump stops it (client cancel). */
    public InboxPump start(String agentId, InboxPump.Handoff handoff) throws Exception {
        AutoCloseable permit = gate.enter();
        AutoCloseable registered;
        InboxCursor cursor;
        java.util.concurrent.atomic.AtomicReference<InboxPump> stop = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            registered = sessions.openReader(agentId, () -> {
                InboxPump pump = stop.get();
                if (pump != null) {
                    pump.stop(EventStreams.CONFLICT);
                }
            });
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
        try {
            cursor = reader.open(agentId, READ_AHEAD);
        } catch (RuntimeException e) {
            registered.close();
            permit.close();
            throw e;
        }
        InboxPump pump = new InboxPump(cursor, new Marked(agentId, handoff))
                .eachRound(() -> activity.touch(agentId, AgentLiveness.GRPC));
        stop.set(pump);
        try {
            threads.execute(() -> {
                try (permit; registered) {
                    live.run(KIND, pump);
                } catch (Exception e) {
                    // releasing a permit or a reader registration does not fail
                }
            });
        } catch (RejectedExecutionException e) {
            cursor.close();
            registered.close();
            permit.close();
            throw new MeshException(ErrorCode.KAFKA_UNAVAILABLE, "server is shutting down");
        }
        return pump;
    }

    /** The client's handoff, after recording how far the batch goes (its Ack must find it handed out). */
    private final class Marked implements InboxPump.Handoff {

        private final String agentId;
        private final InboxPump.Handoff client;

        Marked(String agentId, InboxPump.Handoff client) {
            this.agentId = agentId;
            this.client = client;
        }

        @Override
        public boolean awaitDemand(java.time.Duration max) throws InterruptedException {
            return client.awaitDemand(max);
        }

        @Override
        public boolean hand(InboxCursor.Batch batch) throws Exception {
            sessions.handedOut(agentId, batch.next());
            return client.hand(batch);
        }

        @Override
        public boolean idle() throws Exception {
            return client.idle();
        }

        @Override
        public void afterRound(InboxCursor cursor) {
            client.afterRound(cursor);
        }

        @Override
        public void ended(InboxCursor cursor, String stopReason, Throwable failure) {
            client.ended(cursor, stopReason, failure);
        }
    }

    /** Ends every Subscribe stream (drain); answers how many. */
    public int endAll(String reason) {
        return live.endAll(KIND, reason);
    }

    public int count() {
        return live.count(KIND);
    }
}
