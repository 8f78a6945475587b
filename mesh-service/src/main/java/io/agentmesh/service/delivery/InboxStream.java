package io.agentmesh.service.delivery;

import java.util.List;

/** A stream's handle on its agent's session: grant credit, ack, close. */
public final class InboxStream {

    private final InboxSession session;
    private final DeliverySink sink;

    InboxStream(InboxSession session, DeliverySink sink) {
        this.session = session;
        this.sink = sink;
    }

    public void credit(int more) {
        session.credit(sink, more);
    }

    public void ack(List<String> deliveryIds) {
        session.ack(sink, deliveryIds);
    }

    /** The transport takes more again (gRPC onReady). */
    public void ready() {
        session.readyAgain(sink);
    }

    /** The stream ended: what it had not acked goes back to the queue. */
    public void close() {
        session.detach(sink);
    }

    /** Runs {@code action} under the session's lock, so it does not interleave with deliveries. */
    public void serialized(Runnable action) {
        synchronized (session) {
            action.run();
        }
    }
}
