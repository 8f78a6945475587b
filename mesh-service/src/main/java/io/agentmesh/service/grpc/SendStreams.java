package io.agentmesh.service.grpc;

import io.agentmesh.proto.v1.SendResult;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.common.DrainControl;
import io.agentmesh.service.messaging.BatchSender;
import io.agentmesh.service.platform.MeshMetrics;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open SendStream calls of this node, so that none outlives what allowed it: a drain ends them
 * all (UNAVAILABLE) and refuses new ones, a revoked credential ends its agent's (UNAUTHENTICATED).
 * Each ends after sending the results of what it has written.
 */
public final class SendStreams {

    private final DrainControl drain;
    private final BatchSender sender;
    private final MeshMetrics metrics;
    private final Set<SendStreamCall> open = ConcurrentHashMap.newKeySet();

    public SendStreams(DrainControl drain, BatchSender sender, MeshMetrics metrics) {
        this.drain = drain;
        this.sender = sender;
        this.metrics = metrics;
    }

    /** A new call for {@code caller}; throws DRAINING while the node drains. Must run inside the service method. */
    SendStreamCall open(MeshPrincipal caller, ServerCallStreamObserver<SendResult> out) {
        drain.requireOpen("new streams are");
        SendStreamCall[] call = new SendStreamCall[1];
        call[0] = new SendStreamCall(caller, out, sender, metrics, () -> open.remove(call[0]));
        open.add(call[0]);
        return call[0];
    }

    /** Ends the calls of one agent (its credential was revoked); answers how many. */
    public int endAgent(String agentId) {
        int n = 0;
        for (SendStreamCall c : open) {
            if (c.caller().isAgent() && c.caller().name().equals(agentId)) {
                c.end(Status.UNAUTHENTICATED.withDescription("credential revoked"));
                n++;
            }
        }
        return n;
    }

    /** Ends every call (the node drains). */
    public void endAll() {
        open.forEach(c -> c.end(Status.UNAVAILABLE.withDescription("node draining")));
    }
}
