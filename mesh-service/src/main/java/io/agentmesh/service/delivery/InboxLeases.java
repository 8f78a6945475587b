package io.agentmesh.service.delivery;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who may move an agent's acknowledged position, mesh-wide. The position moves from one place at a
 * time: an ephemeral znode {@code <base>/inbox-leases/<agent>} is held for a Connect session's whole
 * life, or for the instant of one acknowledgement (REST or gRPC {@code Ack}); the znode's creation
 * id ({@code czxid}, which only grows) is the lease's epoch, written into every commit it makes, so
 * a commit by an older lease than the last one Kafka saw is refused ({@link InboxCursor}). An epoch
 * larger than any id ZooKeeper has given out yet comes from an earlier ZooKeeper history (its data
 * was wiped, or the mesh moved to a new ensemble): it fences nothing ({@link Lease#fencedBy}).
 * <p>
 * A lease is fenced as soon as this node's ZooKeeper connection is suspended (before the server can
 * expire the session and let another node take the lease): its holder makes no commit until the
 * connection is back with the znode still its own, and ends when it is not.
 * <p>
 * Readers that deliver but do not acknowledge themselves (server-sent events, gRPC Subscribe) join
 * {@code <base>/inbox-readers/<agent>}: a Connect session and such readers exclude each other (both
 * would deliver the same messages). Each side writes its znode first and then looks for the other,
 * so of two racing openers at least one sees the other. While ZooKeeper is away readers go on
 * unregistered (no Connect session can start meanwhile), and acknowledgements are refused (503):
 * without the lease the position could be moved from two places at once.
 */
public final class InboxLeases implements ConnectionStateListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.delivery");
    private static final long ACK_WAIT_STEP_MS = 20;
    private static final long GIVE_UP_NANOS = Duration.ofSeconds(5).toNanos();

    /** What a lease is for. */
    public enum Kind {
        STREAM("Connect streams"), ACK("an acknowledgement");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final CuratorFramework curator;
    private final String leases;
    /** How long opening a reader waits for its znode when ZooKeeper is slow or away. */
    private static final long READER_CREATE_WAIT_MS = 2000;

    private final String readers;
    /** A znode written only to learn ZooKeeper's current transaction id. */
    private final String clock;
    private final String nodeId;
    private final Duration ackWait;
    private final Set<Lease> held = ConcurrentHashMap.newKeySet();
    /** Leases given up while ZooKeeper did not answer: their znodes are deleted when it does again. */
    private final Set<Lease> unreleased = ConcurrentHashMap.newKeySet();
    /** This process's lease-taker: a znode of this node id but another instance was left by an earlier run. */
    private final String instance = java.util.UUID.randomUUID().toString();

    public InboxLeases(CuratorFramework curator, String basePath, String nodeId, Duration ackWait) {
        this.curator = curator;
        this.leases = basePath + "/inbox-leases";
        this.readers = basePath + "/inbox-readers";
        this.clock = basePath + "/zxid-clock";
        this.nodeId = nodeId;
        this.ackWait = ackWait;
        curator.getConnectionStateListenable().addListener(this);
    }

    /** One holder's lease. {@link #usable()} says whether it may commit right now. */
    public final class Lease implements AutoCloseable {

        private final String agentId;
        private final Kind kind;
        private final long epoch;
        private final List<Runnable> onLost = new CopyOnWriteArrayList<>();
        private volatile boolean suspended;
        private volatile boolean lost;
        private volatile boolean released;

        private Lease(String agentId, Kind kind, long epoch) {
            this.agentId = agentId;
            this.kind = kind;
            this.epoch = epoch;
        }

        public String agentId() {
            return agentId;
        }

        /** The znode's creation id: later leases have larger ones. */
        public long epoch() {
            return epoch;
        }

        /**
         * Whether a commit made under the lease of epoch {@code theirs} fences this one: a later
         * lease of this ZooKeeper history. An epoch beyond the ids ZooKeeper has given out so far is
         * from an earlier history (ZooKeeper's data was wiped or moved) and fences nothing; when
         * ZooKeeper cannot say, it fences (the safe side).
         */
        public boolean fencedBy(long theirs) {
            if (theirs <= epoch) {
                return false;
            }
            long now = currentZxid();
            if (now >= 0 && theirs > now) {
                LOG.warn("inbox of {}: the last commit's lease epoch {} is beyond ZooKeeper's ids ({}): it is from an earlier"
                        + " ZooKeeper history (data wiped or moved), not a later lease; committing under epoch {}",
                        agentId, theirs, now, epoch);
                return false;
            }
            return true;
        }

        /** False while the ZooKeeper connection is suspended, and for good once the lease is lost. */
        public boolean usable() {
            return !suspended && !lost && !released;
        }

        public boolean lost() {
            return lost;
        }

        /** Runs {@code action} (once) when the lease is lost; at once if it already is. */
        public void onLost(Runnable action) {
            onLost.add(action);
            if (lost && onLost.remove(action)) {
                action.run();
            }
        }

        private void lose(String why) {
            if (lost) {
                return;
            }
            lost = true;
            held.remove(this);
            LOG.warn("inbox lease of {} ({}) lost: {}", agentId, kind.label, why);
            for (Runnable r : onLost) {
                if (onLost.remove(r)) {
                    r.run();
                }
            }
        }

        /** Gives the lease up; its znode is deleted only while it is still this lease's (same epoch). */
        @Override
        public void close() {
            released = true;
            held.remove(this);
            if (lost || epoch == 0) {
                return;
            }
            if (!release(this)) {
                // tried again when ZooKeeper answers (the znode would otherwise stay for the whole session)
                unreleased.add(this);
            }
        }
    }

    /**
     * Takes the agent's lease for {@code kind}, waiting up to the ack wait while an acknowledgement
     * holds it; a Connect session holding it is a 409 naming its node; 503 when ZooKeeper does not
     * answer.
     */
    public Lease take(String agentId, Kind kind) {
        if (!curator.getZookeeperClient().isConnected()) {
            // said at once, not after the client's retries
            throw unavailable(agentId, kind, null);
        }
        String path = leases + "/" + agentId;
        long deadline = System.nanoTime() + ackWait.toNanos();
        while (true) {
            if (System.nanoTime() - deadline > GIVE_UP_NANOS) {
                throw new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "the inbox lease of '" + agentId
                        + "' could not be taken (ZooKeeper keeps changing it)", Map.of("dependency", "zookeeper"));
            }
            try {
                Lease lease = tryTake(agentId, kind, path, deadline);
                if (lease != null) {
                    return lease;
                }
            } catch (MeshException e) {
                throw e;
            } catch (Exception e) {
                throw unavailable(agentId, kind, e);
            }
        }
    }

    private static MeshException unavailable(String agentId, Kind kind, Exception cause) {
        return new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "ZooKeeper unavailable: " + kind.label + " of agent '"
                + agentId + "' needs its inbox lease (the position moves from one place at a time); retry shortly",
                Map.of("dependency", "zookeeper"), cause);
    }

    /** Deletes this lease's znode if it is still its own (same epoch); false when ZooKeeper did not answer. */
    private boolean release(Lease lease) {
        String path = leases + "/" + lease.agentId;
        try {
            Stat stat = curator.checkExists().forPath(path);
            if (stat != null && stat.getCzxid() == lease.epoch) {
                curator.delete().withVersion(stat.getVersion()).forPath(path);
            }
            return true;
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
            return true;
        } catch (Exception e) {
            LOG.warn("inbox lease of {} not released yet (tried again when ZooKeeper answers): {}", lease.agentId,
                    e.toString());
            return false;
        }
    }

    private void deleteIfUnchanged(String path) {
        try {
            Stat stat = curator.checkExists().forPath(path);
            if (stat != null) {
                curator.delete().withVersion(stat.getVersion()).forPath(path);
            }
        } catch (Exception e) {
            // changed or gone meanwhile: the next try sees
        }
    }

    /** One try: the lease, or null to try again (it was just released, or an ack holds it and there is time). */
    private Lease tryTake(String agentId, Kind kind, String path, long deadline) throws Exception {
        try {
            Stat stat = new Stat();
            curator.create().storingStatIn(stat).creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(path, (nodeId + "\n" + kind.name() + "\n" + instance).getBytes(StandardCharsets.UTF_8));
            Lease lease = new Lease(agentId, kind, stat.getCzxid());
            held.add(lease);
            if (kind == Kind.STREAM) {
                try {
                    refuseIfRead(lease);
                } catch (Exception e) {
                    lease.close();
                    throw e;
                }
            }
            return lease;
        } catch (KeeperException.NodeExistsException e) {
            String[] holder = holder(path);
            if (holder == null) {
                return null; // released meanwhile
            }
            if (nodeId.equals(holder[0]) && !instance.equals(holder[2])) {
                // left by an earlier run of this node whose ZooKeeper session has not expired yet
                deleteIfUnchanged(path);
                return null;
            }
            if (Kind.ACK.name().equals(holder[1]) && System.nanoTime() < deadline) {
                sleep();
                return null;
            }
            throw conflict(agentId, holder, kind);
        }
    }

    /**
     * Registers a reader (SSE, Subscribe); 409 while a Connect session holds the inbox. Close it
     * when done. The reader's znode is a Curator {@link PersistentNode}: when this node's ZooKeeper
     * session is lost while the reader goes on, the znode is created again as soon as ZooKeeper
     * answers (and first created then, when ZooKeeper was away at the start), so a Connect session
     * opened later still finds the reader. Each time it is created again, a Connect session that
     * took the inbox meanwhile (while this node was cut off) is looked for: then {@code onConflict}
     * runs (it ends the reader's stream; its client reconnects and is refused with 409).
     */
    public AutoCloseable read(String agentId, Runnable onConflict) {
        PersistentNode node = new PersistentNode(curator, CreateMode.EPHEMERAL_SEQUENTIAL, true,
                readers + "/" + agentId + "/r-", nodeId.getBytes(StandardCharsets.UTF_8));
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean();
        node.getListenable().addListener(path -> {
            String streamer = open.get() ? streamedBy(agentId) : null;
            if (streamer != null) {
                LOG.warn("reader of {} registered again, but node '{}' streams its inbox meanwhile: the reader ends",
                        agentId, streamer);
                onConflict.run();
            }
        });
        node.start();
        boolean created;
        try {
            created = node.waitForInitialCreate(READER_CREATE_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(node);
            throw new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "interrupted while registering a reader of '"
                    + agentId + "'", Map.of("dependency", "zookeeper"));
        }
        if (!created) {
            // no Connect session can start while ZooKeeper is away; the znode is created (and checked) when it answers
            LOG.debug("reader of {} not registered yet: ZooKeeper unavailable", agentId);
            open.set(true);
            return () -> closeQuietly(node);
        }
        String streamer = streamedBy(agentId);
        if (streamer != null) {
            closeQuietly(node);
            throw new MeshException(ErrorCode.CONFLICT, "agent '" + agentId + "' has open Connect streams (node '"
                    + streamer + "'): read its inbox there, or close them first",
                    Map.of("agent", agentId, "node", streamer));
        }
        open.set(true);
        return () -> closeQuietly(node);
    }

    private static void closeQuietly(PersistentNode node) {
        try {
            node.close();
        } catch (Exception e) {
            // ZooKeeper away: the ephemeral znode goes with the session
            LOG.debug("reader znode not deleted: {}", e.toString());
        }
    }

    /** ZooKeeper's current transaction id (a write's), or -1 when ZooKeeper does not answer. */
    private long currentZxid() {
        try {
            try {
                return curator.setData().forPath(clock, new byte[0]).getMzxid();
            } catch (KeeperException.NoNodeException e) {
                Stat stat = new Stat();
                curator.create().storingStatIn(stat).creatingParentsIfNeeded().forPath(clock, new byte[0]);
                return stat.getMzxid();
            }
        } catch (KeeperException.NodeExistsException e) {
            return currentZxid();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The node whose Connect session holds the agent's inbox, or null (none, or ZooKeeper does not say). */
    public String streamedBy(String agentId) {
        try {
            String[] holder = holder(leases + "/" + agentId);
            return holder != null && Kind.STREAM.name().equals(holder[1]) ? holder[0] : null;
        } catch (Exception e) {
            // ZooKeeper down: no Connect session can have started meanwhile either
            return null;
        }
    }

    /** A Connect session that finds readers gives its lease back: 409 naming where they read. */
    private void refuseIfRead(Lease lease) throws Exception {
        String dir = readers + "/" + lease.agentId;
        List<String> children;
        try {
            children = curator.getChildren().forPath(dir);
        } catch (KeeperException.NoNodeException e) {
            return;
        }
        if (children.isEmpty()) {
            return;
        }
        String where = "unknown";
        try {
            where = new String(curator.getData().forPath(dir + "/" + children.get(0)), StandardCharsets.UTF_8);
        } catch (KeeperException.NoNodeException e) {
            // that reader just left
        }
        lease.close();
        throw new MeshException(ErrorCode.CONFLICT, "agent '" + lease.agentId + "' has " + children.size()
                + " open event or Subscribe stream(s) (node '" + where + "'): close them before opening a Connect stream",
                Map.of("agent", lease.agentId, "node", where, "readers", children.size()));
    }

    private MeshException conflict(String agentId, String[] holder, Kind wanted) {
        String what = "STREAM".equals(holder[1]) ? Kind.STREAM.label : Kind.ACK.label;
        String advice = wanted == Kind.ACK ? "acknowledge through its stream, or close it first" : "connect its streams there";
        return new MeshException(ErrorCode.CONFLICT, "the inbox of agent '" + agentId + "' is held by " + what
                + " on node '" + holder[0] + "': " + advice, Map.of("agent", agentId, "node", holder[0]));
    }

    /** {node, kind} of the znode, or null when there is none; an older node wrote only its name. */
    private String[] holder(String path) throws Exception {
        try {
            String[] parts = new String(curator.getData().forPath(path), StandardCharsets.UTF_8).split("\n", 3);
            return new String[]{parts[0], parts.length > 1 ? parts[1] : Kind.STREAM.name(), parts.length > 2 ? parts[2] : ""};
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    private void deleteQuietly(String path) {
        try {
            curator.delete().guaranteed().forPath(path);
        } catch (Exception e) {
            // gone already, or it goes with the session
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(ACK_WAIT_STEP_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "interrupted waiting for an inbox lease", Map.of());
        }
    }

    /**
     * Suspended: every lease stops committing at once. Reconnected: a lease whose znode is still its
     * own (same epoch) goes on, any other is lost. Lost (the session expired): all are lost.
     */
    @Override
    public void stateChanged(CuratorFramework client, ConnectionState state) {
        switch (state) {
            case SUSPENDED -> held.forEach(l -> l.suspended = true);
            case RECONNECTED, CONNECTED -> {
                unreleased.removeIf(this::release);
                for (Lease l : List.copyOf(held)) {
                    if (stillMine(l)) {
                        l.suspended = false;
                    } else {
                        l.lose("its znode is gone or no longer its own after a ZooKeeper reconnect");
                    }
                }
            }
            case LOST -> {
                List.copyOf(held).forEach(l -> l.lose("ZooKeeper session lost"));
                // their znodes went with the session
                unreleased.clear();
            }
            default -> {
            }
        }
    }

    private boolean stillMine(Lease lease) {
        try {
            Stat stat = curator.checkExists().forPath(leases + "/" + lease.agentId);
            return stat != null && stat.getCzxid() == lease.epoch;
        } catch (Exception e) {
            return false;
        }
    }
}
