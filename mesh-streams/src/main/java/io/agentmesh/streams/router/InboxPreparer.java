package io.agentmesh.streams.router;

import java.util.List;

/**
 * Gets the router's producers ready to write to several inboxes before a fan-out writes to them.
 * A Kafka producer learns a topic's metadata on the first send to it and blocks the sending thread
 * meanwhile; for a fan-out to agents the router has not written to yet, that would be one round
 * trip after the other on the stream thread. Supplied by the host; called on the stream thread.
 */
@FunctionalInterface
public interface InboxPreparer {

    InboxPreparer NONE = agentIds -> { };

    /** Returns once these agents' inboxes can be written without a metadata wait, or after a bounded time. */
    void prepare(List<String> agentIds);
}
