package io.agentmesh.service.delivery;

import io.agentmesh.service.common.DrainControl;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.registry.AgentActivity;
import io.agentmesh.service.registry.AgentLiveness;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The inbox sessions of this node, one per agent with open streams. An agent's inbox is served by
 * one node at a time: the session holds an ephemeral znode {@code <base>/inbox-leases/<agent>}, and
 * a stream of the same agent opened on another node is refused with the owner's name (two nodes
 * reading one inbox would deliver its messages twice). While a session runs, the REST long-poll
 * and ack of that agent are refused for the same reason.
 */
public final class InboxSessions {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.grpc");

    private final InboxReader reader;
    private final DeliveryEvents deliveries;
    private final ExecutorService threads;
    private final CuratorFramework curator;
    private final String leasePath;
    private final String nodeId;
    private final int maxBuffered;
    private final int maxStreamsPerAgent;
    private final Map<String, InboxSession> sessions = new ConcurrentHashMap<>();
    private final DrainControl drain;
    private final AgentActivity activity;
    private final java.util.function.Consumer<String> notPushed;

    /** {@code notPushed} refuses (409) an agent whose messages the mesh pushes. */
    public InboxSessions(InboxReader reader, DeliveryEvents deliveries, ExecutorService threads, CuratorFramework curator,
                         String basePath, String nodeId, int maxBuffered, int maxStreamsPerAgent, DrainControl drain,
                         AgentActivity activity, java.util.function.Consumer<String> notPushed) {
        this.reader = reader;
        this.deliveries = deliveries;
        this.threads = threads;
        this.curator = curator;
        this.leasePath = basePath + "/inbox-leases";
        this.nodeId = nodeId;
        this.maxBuffered = maxBuffered;
        this.maxStreamsPerAgent = maxStreamsPerAgent;
        this.drain = drain;
        this.activity = activity;
        this.notPushed = notPushed;
    }

    /** 409 for an agent whose messages the mesh pushes: a second reader would deliver them twice. */
    public void requireNotPushed(String agentId) {
        notPushed.accept(agentId);
    }

    /** Attaches a stream to the agent's session, starting the session (and taking the lease) if needed. */
    public synchronized InboxStream open(String agentId, DeliverySink sink, int credit) {
        drain.requireOpen("new streams are");
        requireNotPushed(agentId);
        InboxSession session = sessions.get(agentId);
        if (session != null && session.streams().size() >= maxStreamsPerAgent) {
            throw new MeshException(ErrorCode.TOO_BUSY, "agent '" + agentId + "' already has " + maxStreamsPerAgent
                    + " streams on this node", Map.of("agent", agentId, "max_streams_per_agent", maxStreamsPerAgent));
        }
        if (session == null || !session.attach(sink, credit)) {
            if (session != null) {
                // it is closing: let it make its last commit before the inbox is read again
                session.awaitClosed(java.time.Duration.ofSeconds(10));
            }
            session = start(agentId);
            session.attach(sink, credit);
        }
        return new InboxStream(session, sink);
    }

    private InboxSession start(String agentId) {
        lease(agentId);
        InboxCursor cursor;
        try {
            cursor = reader.open(agentId, maxBuffered);
        } catch (RuntimeException e) {
            release(agentId);
            throw e;
        }
        InboxSession session = new InboxSession(cursor, deliveries, maxBuffered,
                () -> activity.touch(agentId, AgentLiveness.GRPC));
        session.onClosed(() -> closed(agentId, session));
        sessions.put(agentId, session);
        try {
            threads.execute(session);
        } catch (RejectedExecutionException e) {
            sessions.remove(agentId);
            cursor.close();
            release(agentId);
            throw new MeshException(ErrorCode.TOO_BUSY, "too many open streams on this node", Map.of(), e);
        }
        LOG.info("inbox of {} now served to streams on {}", agentId, nodeId);
        return session;
    }

    private synchronized void closed(String agentId, InboxSession session) {
        if (sessions.get(agentId) != session) {
            return;
        }
        release(agentId);
        sessions.remove(agentId, session);
        LOG.info("inbox session of {} closed", agentId);
    }

    public boolean active(String agentId) {
        return sessions.containsKey(agentId);
    }

    /** For a new reader (long-poll, Subscribe): 503 while draining, 409 while the inbox is streamed. */
    public void requireReadable(String agentId) {
        drain.requireOpen("new inbox readers are");
        requireNotPushed(agentId);
        requireNotStreamed(agentId);
    }

    /**
     * Drain: streams get no new deliveries; once every delivered message is acked, or after
     * {@code grace}, the streams end (what is unacked then stays uncommitted: handed back to Kafka).
     */
    public int drain(java.time.Duration grace) throws InterruptedException {
        sessions.values().forEach(s -> s.pause(true));
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && sessions.values().stream().anyMatch(s -> s.unacked() > 0)) {
            Thread.sleep(100);
        }
        return endAll("node draining");
    }

    /**
     * Refuses (409) when the agent's inbox is being streamed, here or on another node: reading it
     * another way at the same time would deliver messages twice.
     */
    public void requireNotStreamed(String agentId) {
        String owner = active(agentId) ? nodeId : null;
        if (owner == null) {
            try {
                if (curator.checkExists().forPath(leasePath + "/" + agentId) != null) {
                    owner = owner(leasePath + "/" + agentId);
                }
            } catch (Exception e) {
                // ZooKeeper down: no stream can have been opened meanwhile either
            }
        }
        if (owner != null) {
            throw new MeshException(ErrorCode.CONFLICT, "agent '" + agentId + "' has open Connect streams (node '"
                    + owner + "'): read and ack its inbox there, or close them first", Map.of("agent", agentId, "node", owner));
        }
    }

    /** Every open stream on this node. */
    public List<StreamInfo> streams() {
        List<StreamInfo> out = new ArrayList<>();
        sessions.values().forEach(s -> out.addAll(s.streams()));
        return out;
    }

    /** Agents with a session on this node (including one that is closing). */
    public List<String> agents() {
        return sessions.keySet().stream().sorted().toList();
    }

    public Map<String, Object> sessionStats(String agentId) {
        InboxSession s = sessions.get(agentId);
        return s == null ? Map.of() : Map.of("buffered", s.buffered(), "unacked", s.unacked(), "max_buffered", maxBuffered);
    }

    /** Ends every stream; their unacked messages are handed back (not committed). Answers how many. */
    public int endAll(String reason) {
        int n = 0;
        for (InboxSession s : new ArrayList<>(sessions.values())) {
            n += s.streams().size();
            s.endAll(reason);
        }
        return n;
    }

    /** Ends one agent's Connect streams; their unacked messages are handed back. Answers how many. */
    public int endAgent(String agentId, String reason) {
        InboxSession s = sessions.get(agentId);
        if (s == null) {
            return 0;
        }
        int n = s.streams().size();
        s.endAll(reason);
        return n;
    }

    public void stopAll() {
        endAll("server is shutting down");
        sessions.values().forEach(InboxSession::stop);
    }

    private void lease(String agentId) {
        String path = leasePath + "/" + agentId;
        try {
            curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(path, nodeId.getBytes(StandardCharsets.UTF_8));
        } catch (KeeperException.NodeExistsException e) {
            String owner = owner(path);
            if (!nodeId.equals(owner)) {
                throw new MeshException(ErrorCode.CONFLICT, "agent '" + agentId + "' is already streamed from node '"
                        + owner + "': connect its streams there", Map.of("agent", agentId, "node", String.valueOf(owner)));
            }
        } catch (Exception e) {
            throw new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "ZooKeeper unavailable, cannot take the inbox "
                    + "lease of '" + agentId + "'", Map.of("dependency", "zookeeper"), e);
        }
    }

    private String owner(String path) {
        try {
            return new String(curator.getData().forPath(path), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "unknown";
        }
    }

    private void release(String agentId) {
        try {
            curator.delete().guaranteed().forPath(leasePath + "/" + agentId);
        } catch (KeeperException.NoNodeException e) {
            // already gone
        } catch (Exception e) {
            LOG.warn("inbox lease of {} not released (it goes with this node's session): {}", agentId, e.toString());
        }
    }
}
