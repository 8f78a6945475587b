package io.agentmesh.service.delivery;

import io.agentmesh.service.common.DrainControl;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.registry.AgentActivity;
import io.agentmesh.service.registry.AgentLiveness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The inbox sessions of this node, one per agent with open streams. An agent's inbox is served by
 * one node at a time: the session holds the agent's inbox lease ({@link InboxLeases}) for its whole
 * life, and a stream of the same agent opened on another node is refused with the owner's name (two
 * nodes reading one inbox would deliver its messages twice). While a session runs, the long-poll,
 * the server-sent events and Subscribe streams and the acks of that agent are refused for the same
 * reason; while any of those streams is open, a Connect stream is refused.
 */
public final class InboxSessions {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.grpc");

    private final InboxReader reader;
    private final DeliveryEvents deliveries;
    private final ExecutorService threads;
    private final InboxLeases leases;
    private final DeliveredMarks marks;
    private final String nodeId;
    private final int maxBuffered;
    private final int maxStreamsPerAgent;
    private final Map<String, InboxSession> sessions = new ConcurrentHashMap<>();
    /** Per-agent locks for opening and closing sessions (striped: bounded whatever the number of agents). */
    private final com.google.common.util.concurrent.Striped<java.util.concurrent.locks.Lock> locks =
            com.google.common.util.concurrent.Striped.lock(256);
    private final DrainControl drain;
    private final AgentActivity activity;
    private final java.util.function.Consumer<String> notPushed;

    /** {@code notPushed} refuses (409) an agent whose messages the mesh pushes. */
    public InboxSessions(InboxReader reader, DeliveryEvents deliveries, ExecutorService threads, InboxLeases leases,
                         DeliveredMarks marks, String nodeId, int maxBuffered, int maxStreamsPerAgent, DrainControl drain,
                         AgentActivity activity, java.util.function.Consumer<String> notPushed) {
        this.reader = reader;
        this.deliveries = deliveries;
        this.threads = threads;
        this.leases = leases;
        this.marks = marks;
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

    /**
     * Attaches a stream to the agent's session, starting the session (and taking the lease) if needed.
     * Serialized per agent only: one agent's ZooKeeper and Kafka calls never hold up another's streams.
     */
    public InboxStream open(String agentId, DeliverySink sink, int credit) {
        java.util.concurrent.locks.Lock lock = locks.get(agentId);
        lock.lock();
        try {
            return openLocked(agentId, sink, credit);
        } finally {
            lock.unlock();
        }
    }

    private InboxStream openLocked(String agentId, DeliverySink sink, int credit) {
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
                if (!session.awaitClosed(java.time.Duration.ofSeconds(25))) {
                    // its last commit is still under way: a new session must not start behind it
                    throw new MeshException(ErrorCode.TOO_BUSY, "the previous stream of agent '" + agentId
                            + "' is still closing; connect again in a few seconds", Map.of("agent", agentId));
                }
                // its lease goes now (its own close, waiting for this lock, then finds a newer lease and leaves it)
                session.lease().close();
                sessions.remove(agentId, session);
            }
            session = start(agentId);
            session.attach(sink, credit);
        }
        return new InboxStream(session, sink);
    }

    private InboxSession start(String agentId) {
        InboxLeases.Lease lease = leases.take(agentId, InboxLeases.Kind.STREAM);
        InboxCursor cursor;
        try {
            cursor = reader.open(agentId, maxBuffered);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        InboxSession session = new InboxSession(cursor, deliveries, maxBuffered,
                () -> activity.touch(agentId, AgentLiveness.GRPC), lease);
        session.onClosed(() -> closed(agentId, session));
        sessions.put(agentId, session);
        try {
            threads.execute(session);
        } catch (RejectedExecutionException e) {
            sessions.remove(agentId);
            cursor.close();
            lease.close();
            throw new MeshException(ErrorCode.TOO_BUSY, "too many open streams on this node", Map.of(), e);
        }
        // fenced: ZooKeeper gave the lease up, so another node may serve the inbox now
        lease.onLost(() -> session.endAll("inbox lease lost (ZooKeeper session); reconnect"));
        LOG.info("inbox of {} now served to streams on {}", agentId, nodeId);
        return session;
    }

    private void closed(String agentId, InboxSession session) {
        java.util.concurrent.locks.Lock lock = locks.get(agentId);
        lock.lock();
        try {
            if (sessions.get(agentId) != session) {
                return;
            }
            session.lease().close();
            sessions.remove(agentId, session);
        } finally {
            lock.unlock();
        }
        LOG.info("inbox session of {} closed", agentId);
    }

    public boolean active(String agentId) {
        return sessions.containsKey(agentId);
    }

    /** For a long-poll: 503 while draining, 409 while the inbox is pushed or streamed. */
    public void requireReadable(String agentId) {
        drain.requireOpen("new inbox readers are");
        requireNotPushed(agentId);
        requireNotStreamed(agentId);
    }

    /**
     * For a stream that reads without acknowledging (server-sent events, Subscribe): as
     * {@link #requireReadable}, and registered as a reader until closed, so that no Connect stream
     * opens meanwhile; {@code onConflict} ends the reader when one did anyway (while this node was
     * cut off from ZooKeeper).
     */
    public AutoCloseable openReader(String agentId, Runnable onConflict) {
        requireReadable(agentId);
        return leases.read(agentId, onConflict);
    }

    /** Records, before they leave, how far a reader that acknowledges by position handed messages out. */
    public void handedOut(String agentId, Map<Integer, Long> next) {
        marks.handedOut(agentId, next);
    }

    /**
     * Moves the agent's acknowledged position forward, holding its inbox lease for the instant of
     * the commit (so no other acknowledgement or Connect session commits meanwhile, mesh-wide).
     */
    public Map<Integer, Long> ack(String agentId, Map<Integer, Long> offsets, boolean skip) {
        requireNotPushed(agentId);
        if (active(agentId)) {
            throw streamed(agentId, nodeId);
        }
        try (InboxLeases.Lease lease = leases.take(agentId, InboxLeases.Kind.ACK)) {
            return reader.ack(agentId, offsets, lease.epoch(), skip ? Optional.empty() : marks.of(agentId));
        }
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
        String owner = active(agentId) ? nodeId : leases.streamedBy(agentId);
        if (owner != null) {
            throw streamed(agentId, owner);
        }
    }

    private static MeshException streamed(String agentId, String owner) {
        return new MeshException(ErrorCode.CONFLICT, "agent '" + agentId + "' has open Connect streams (node '"
                + owner + "'): read and ack its inbox there, or close them first", Map.of("agent", agentId, "node", owner));
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
}
