package io.agentmesh.service.a2a;

import io.agentmesh.service.delivery.push.PushTransport;
import io.agentmesh.streams.a2a.TaskSnapshots;
import io.agentmesh.service.messaging.MessageService;
import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.registry.AgentActivity;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.registry.RemoteCards;

/**
 * The A2A gateway: agent cards and the mesh's card, the JSON-RPC binding per agent, and the agent's
 * REST side of a task; tasks kept on the task event log and folded by every node. Outbound: agents
 * outside the mesh, registered by their A2A server's URL, receive their messages as A2A calls.
 */
public final class A2aFeature {

    /** A2A streams open at once on a node (each holds a thread while it waits for the task's events). */
    static final int MAX_STREAMS = 512;
    /** The snapshot application's id after the router's: {@code <applicationId>-a2a-tasks}. */
    public static final String SNAPSHOTS = "a2a-tasks";
    /** The push notifier's consumer group after the router's: {@code <applicationId>-a2a-push}. */
    public static final String PUSH_GROUP = "a2a-push";

    private final TaskView view;
    private final A2aOutbound outbound;
    private final A2aCardRefresher refresher;
    private final TaskUpdates updates;

    /**
     * {@code cards}: fetches the cards of agents outside the mesh, registered by their A2A server's
     * URL; {@code snapshotProps}: the task snapshot application's properties on a router node, else null.
     */
    public A2aFeature(Platform p, AgentRegistry registry, MessageService messages, boolean secured, String groupPrefix,
                      RemoteCards cards, AgentActivity activity, java.time.Duration callTimeout,
                      java.util.Properties snapshotProps) {
        this.refresher = new A2aCardRefresher(registry, cards, activity,
                io.agentmesh.service.common.BoundedThreads.queued("a2a-cards", A2aCardRefresher.PARALLEL, 100_000), p.env().metrics());
        TaskLog log = new TaskLog(p.topics().a2aTaskEvents(), p.publisher(), p.mapper(), p.clock());
        this.view = new TaskView(p.topics().a2aTaskEvents(), p.topics().a2aTasks(), groupPrefix + "-" + SNAPSHOTS,
                p.kafkaProps(), p.mapper());
        if (snapshotProps != null) {
            var snapshots = new io.agentmesh.service.routing.SiblingStreams("A2A task snapshot",
                    TaskSnapshots.topology(p.topics().a2aTaskEvents(), p.topics().a2aTasks(), p.kafkaProps().maxRecordBytes()),
                    snapshotProps, p.streamsShutdown());
            p.env().lifecycle().manage(snapshots);
            p.streamsShutdown().add(snapshots::beginClose);
        }
        this.outbound = new A2aOutbound(p.outbound(), messages, p.mapper(), log, view, callTimeout);
        if (p.roles().api() || p.roles().monitor()) {
            // api nodes serve tasks; monitor nodes push to agents behind A2A servers and record their answers
            p.env().lifecycle().manage(view);
        }
        if (p.roles().api()) {
            p.env().lifecycle().manage(new A2aPushNotifier(p.topics(), p.kafkaProps(), groupPrefix + "-" + PUSH_GROUP, view,
                    p.publisher(), p.outbound(), p.metrics(), p.mapper(), p.clock()));
        }
        A2aGateway gateway = new A2aGateway(log, view, messages, registry, p.mapper(), p.clock(), p.outbound());
        p.api(new A2aCardResource(registry, p.mapper(), secured));
        p.api(new MeshCardResource(registry, p.mapper(), secured));
        p.api(new A2aDiscoveryResource(registry, p.mapper(), secured));
        var streams = io.agentmesh.service.common.BoundedThreads.create("a2a-stream", MAX_STREAMS);
        var replies = io.agentmesh.service.common.BoundedThreads.queued("a2a-reply", 8, 100_000);
        p.api(new A2aRpcResource(gateway, view, p.mapper(), streams, replies));
        p.api(new A2aRestResource(gateway, view, p.mapper(), streams, replies));
        this.updates = new TaskUpdates(view, gateway, p.mapper());
        p.api(new A2aTaskResource(updates));
    }

    /** Delivers the messages of agents registered with {@code "delivery": "a2a"} as A2A calls. */
    public PushTransport outbound() {
        return outbound;
    }

    /** The leader's round over agents behind A2A servers: their cards fetched again, which keeps them alive. */
    public Runnable cardRefresher() {
        return refresher;
    }

    /** The agent's side of A2A tasks (status and artifact updates), for the gRPC API. */
    public TaskUpdates taskUpdates() {
        return updates;
    }

    /** A2A tasks this node holds in its view. */
    public int tasks() {
        return view.size();
    }
}
