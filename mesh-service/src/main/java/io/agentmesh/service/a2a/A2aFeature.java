package io.agentmesh.service.a2a;

import io.agentmesh.service.messaging.MessageService;
import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.registry.AgentRegistry;

/**
 * The A2A gateway: agent cards and the mesh's card, the JSON-RPC binding per agent, and the agent's
 * REST side of a task; tasks kept on the task event log and folded by every node.
 */
public final class A2aFeature {

    /** A2A streams open at once on a node (each holds a thread while it waits for the task's events). */
    static final int MAX_STREAMS = 512;

    private final TaskView view;

    public A2aFeature(Platform p, AgentRegistry registry, MessageService messages, boolean secured, String groupPrefix) {
        TaskLog log = new TaskLog(p.topics().a2aTaskEvents(), p.publisher(), p.mapper(), p.clock());
        this.view = new TaskView(p.topics().a2aTaskEvents(), p.kafkaProps(), p.mapper());
        if (p.roles().api()) {
            p.env().lifecycle().manage(view);
            p.env().lifecycle().manage(new A2aPushNotifier(p.topics(), p.kafkaProps(), groupPrefix + "-a2a-push", view,
                    p.publisher(), p.outbound(), p.metrics(), p.mapper(), p.clock()));
        }
        A2aGateway gateway = new A2aGateway(log, view, messages, registry, p.mapper(), p.clock(), p.outbound());
        p.api(new A2aCardResource(registry, p.mapper(), secured));
        p.api(new MeshCardResource(registry, p.mapper(), secured));
        p.api(new A2aDiscoveryResource(registry, p.mapper(), secured));
        p.api(new A2aRpcResource(gateway, view, p.mapper(),
                io.agentmesh.service.common.BoundedThreads.create("a2a-stream", MAX_STREAMS),
                io.agentmesh.service.common.BoundedThreads.queued("a2a-reply", 8, 100_000)));
        p.api(new A2aTaskResource(view, gateway, p.mapper()));
    }

    /** A2A tasks this node holds in its view. */
    public int tasks() {
        return view.size();
    }
}
