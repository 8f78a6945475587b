package io.agentmesh.service.delivery;


/**
 * One open stream of an agent that takes deliveries (a gRPC Connect call). The session calls it
 * from its own thread, one call at a time.
 */
public interface DeliverySink {

    /** Sends one delivery; {@code attempt} is 1 the first time, more when it comes again. */
    void deliver(String deliveryId, InboxRecord record, int attempt);

    /** Ends the stream from the server side (drain, reset, session failure). */
    void end(String reason);

    /** A name for this stream, unique on the node. */
    String id();

    /** The remote address, as far as the transport knows it. */
    String peer();

    /**
     * Whether the transport takes more now (gRPC flow control: the client reads what it was sent).
     * A stream that is not ready gets nothing, whatever its credit, until it says it is again.
     */
    default boolean ready() {
        return true;
    }
}
