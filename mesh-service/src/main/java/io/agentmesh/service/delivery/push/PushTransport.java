package io.agentmesh.service.delivery.push;

import io.agentmesh.service.delivery.InboxRecord;

import java.net.URI;
import java.time.Duration;

/**
 * How one inbox record reaches an agent the mesh delivers to: a webhook POST ({@link PushClient}) or
 * an A2A call to the agent's A2A server. {@link PushWorker} retries, dead-letters and commits the
 * same way whatever the transport.
 */
public interface PushTransport {

    /** DELIVERED: done; REJECTED: the agent refuses it (dead-lettered at once); FAILED: worth retrying. */
    enum Outcome { DELIVERED, REJECTED, FAILED }

    record Result(Outcome outcome, String detail) {
    }

    /** Delivers {@code record} to {@code endpoint} within {@code timeout}; never throws. */
    Result post(URI endpoint, InboxRecord record, Duration timeout);
}
