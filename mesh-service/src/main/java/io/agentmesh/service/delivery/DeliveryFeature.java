package io.agentmesh.service.delivery;

import io.agentmesh.service.common.BoundedGate;
import io.agentmesh.service.common.BoundedThreads;
import io.agentmesh.service.config.MessagesSettings;
import io.agentmesh.service.config.RedisSettings;
import io.agentmesh.service.config.RoutingSettings;
import io.agentmesh.service.delivery.push.PushClient;
import io.agentmesh.service.delivery.push.PushTransport;
import io.agentmesh.service.delivery.push.PushDispatcher;
import io.agentmesh.service.delivery.push.PushOutcomes;
import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.registry.AgentActivity;
import io.agentmesh.service.registry.AgentRegistry;
import org.eclipse.jetty.util.component.LifeCycle;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Every way a message leaves an agent's inbox — long-poll with ack, server-sent events, gRPC
 * Subscribe and Connect, webhook push (on the leader) — over one {@link InboxReader}; inbox
 * replay; draining; the connection listing and its gauges.
 */
public final class DeliveryFeature {

    /** How long an acknowledgement waits for another one of the same agent to finish. */
    private static final Duration ACK_WAIT = Duration.ofSeconds(2);
    /** Inbox replays running at once on a node (each writes up to 100,000 records at the replay rate). */
    static final int MAX_REPLAYS = 2;

    private final LiveStreams live;

    private final Platform platform;
    private final DeliveryEvents events;
    private final InboxSessions sessions;
    private final LongPoll longPoll;
    private final Subscriptions subscriptions;
    private final NodeDrain drain;
    private final ActiveConnections active = new ActiveConnections();
    private final ExecutorService streamThreads;

    public DeliveryFeature(Platform p, MessagesSettings settings, RoutingSettings routing, RedisSettings redis,
                           AgentRegistry registry, AgentActivity activity, BooleanSupplier isLeader,
                           java.util.Map<String, PushTransport> otherTransports) {
        this.platform = p;
        InboxReader reader = new InboxReader(p.topics(), p.kafkaProps());
        this.events = new DeliveryEvents(p.publisher(), p.topics(), p.mapper(), p.clock());
        int maxStreams = settings.getMaxSubscriptions();
        this.streamThreads = BoundedThreads.create("grpc-subscribe", maxStreams);
        InboxLeases leases = new InboxLeases(p.curator(), p.zookeeperBase(), p.nodeId(), ACK_WAIT);
        DeliveredMarks marks = new DeliveredMarks(redis.getUri(),
                Duration.ofMillis(redis.getCommandTimeout().toMilliseconds()), p.env().metrics());
        p.env().lifecycle().manage(marks);
        this.sessions = new InboxSessions(reader, events, streamThreads, leases, marks, p.nodeId(),
                settings.getMaxCreditPerStream(), settings.getMaxStreamsPerAgent(), p.drain(), activity,
                registry::requireNotPushed);
        BoundedGate polls = new BoundedGate("long_poll", settings.getMaxConcurrentPolls(), p.env().metrics());
        this.longPoll = new LongPoll(reader, sessions, polls, events, activity);
        this.live = new LiveStreams();
        EventStreams sse = new EventStreams(reader, new BoundedGate("sse", maxStreams, p.env().metrics()), p.mapper(),
                events, p.drain(), live, BoundedThreads.create("sse", maxStreams), activity, sessions);
        this.subscriptions = new Subscriptions(reader, sessions,
                new BoundedGate("grpc_subscriptions", maxStreams, p.env().metrics()), live, streamThreads, activity);
        this.drain = new NodeDrain(p.drain(), sessions, sse, subscriptions,
                Duration.ofMillis(settings.getDrainGrace().toMilliseconds()), BoundedThreads.create("drain", 1));
        active.add("grpc_connect_streams", () -> sessions.streams().size())
                .add("grpc_subscribe_streams", subscriptions::count)
                .add("sse_streams", sse::count)
                .add("long_polls", polls::inUse);

        p.api(new InboxResource(longPoll, registry, p.mapper(), settings.getMaxPollWaitSeconds()));
        p.api(new InboxStreamResource(sse, registry));
        p.api(new AgentReplayResource(new InboxReplayer(p.topics(), p.kafkaProps(), p.publisher(),
                settings.getReplayRatePerSecond(), p.clock()), registry, p.mapper(),
                new io.agentmesh.service.common.LongWork("inbox_replays", "an inbox replay", MAX_REPLAYS, 30,
                        p.env().metrics())));
        p.always(new GrpcConnectionsResource(sessions));
        p.always(new DrainResource(drain, p.drain(), active));
        p.env().admin().addTask(new DrainTask(drain));
        p.always(new ConnectionsResource(active, p.drain()));
        // the runbook's scaling table: connected agents, gRPC streams, active connections
        p.env().metrics().gauge("mesh.connections.active", () -> () -> (Integer) active.snapshot().get("count"));
        p.env().metrics().gauge("mesh.grpc.streams", () -> () -> sessions.streams().size() + subscriptions.count());
        p.env().metrics().gauge("mesh.agents.connected", () -> () -> sessions.agents().size());
        if (p.roles().monitor()) {
            java.util.Map<String, PushTransport> transports = new java.util.HashMap<>(otherTransports);
            transports.put(io.agentmesh.service.registry.AgentRecord.PUSH, new PushClient(p.outbound()));
            p.env().lifecycle().manage(new PushDispatcher(registry, reader, transports,
                    new PushOutcomes(p.publisher(), p.topics(), events, p.clock(), activity, p.metrics()), routing.retryPolicy(),
                    Duration.ofMillis(settings.getPushTimeout().toMilliseconds()), settings.getPushConcurrency(),
                    isLeader, BoundedThreads.create("push", 1024), BoundedThreads.create("push-lane", 1024)));
        }
        p.env().lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                drain.shutdown();
            }
        });
    }

    /** Counts another kind of open client work in the connection listing (drain waits for all of them). */
    public void countConnections(String kind, IntSupplier count) {
        active.add(kind, count);
    }

    /** Told when the node starts (false) or stops (true) draining: gRPC health follows it. */
    public void onServing(java.util.function.Consumer<Boolean> listener) {
        drain.onServing(listener);
    }

    public DeliveryEvents events() {
        return events;
    }

    public InboxSessions sessions() {
        return sessions;
    }

    public LongPoll longPoll() {
        return longPoll;
    }

    public Subscriptions subscriptions() {
        return subscriptions;
    }

    /** The threads of Connect sessions and Subscribe streams (the gRPC server shuts them down). */
    public ExecutorService streamThreads() {
        return streamThreads;
    }

    /**
     * An agent's credential was revoked (rotated, revoked, deregistered): its open streams on this
     * node (SSE, Subscribe, Connect) end at once, unacked messages handed back; it reconnects with a
     * key that works. Answers how many ended.
     */
    public int endStreamsOf(String agentId) {
        return live.endAgent(agentId, "credential revoked") + sessions.endAgent(agentId, "credential revoked");
    }
}
