package io.agentmesh.service.cluster;

import io.dropwizard.lifecycle.Managed;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * This node's place in the mesh cluster, through Curator: an ephemeral znode under
 * {@code <base>/nodes} (re-created after a session loss, so the children are the live nodes), and
 * a {@link LeaderLatch} under {@code <base>/leader}. Any node may ask for a new election by writing
 * {@code <base>/elect}; the leader, watching it, steps down and rejoins at the back of the queue.
 */
public final class ClusterMembership implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    private final CuratorFramework curator;
    private final String basePath;
    private final String nodeId;
    private final String nodeInfo;
    private final boolean candidate;
    private PersistentNode node;
    private volatile LeaderLatch latch;
    private CuratorCache electRequests;

    /** {@code candidate}: whether this node may lead (only nodes with the monitor role run the chores). */
    public ClusterMembership(CuratorFramework curator, String basePath, String nodeId, String nodeInfo, boolean candidate) {
        this.candidate = candidate;
        this.curator = curator;
        this.basePath = basePath;
        this.nodeId = nodeId;
        this.nodeInfo = nodeInfo;
    }

    @Override
    public void start() throws Exception {
        node = new PersistentNode(curator, CreateMode.EPHEMERAL, false, nodesPath() + "/" + nodeId,
                nodeInfo.getBytes(StandardCharsets.UTF_8));
        node.start();
        latch = newLatch();
        electRequests = CuratorCache.build(curator, basePath + "/elect", CuratorCache.Options.SINGLE_NODE_CACHE);
        electRequests.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> stepDownIfLeader()).build());
        electRequests.start();
        if (!node.waitForInitialCreate(10, TimeUnit.SECONDS)) {
            LOG.warn("ZooKeeper at {} not reached yet; node {} will join when it is", connectString(), nodeId);
        } else {
            LOG.info("joined the mesh cluster as {} at {}{}", nodeId, connectString(), nodesPath());
        }
    }

    /** A started latch for a candidate; for other nodes an unstarted one, used only to read who leads. */
    private LeaderLatch newLatch() throws Exception {
        LeaderLatch l = new LeaderLatch(curator, basePath + "/leader", nodeId, LeaderLatch.CloseMode.NOTIFY_LEADER);
        if (candidate) {
            l.start();
        }
        return l;
    }

    /** How many nodes take part in the leader election (nodes with the monitor role); 0 when unknown. */
    public int candidates() {
        try {
            LeaderLatch l = latch;
            return l == null ? 0 : l.getParticipants().size();
        } catch (Exception e) {
            return 0;
        }
    }

    /** Asks the cluster for a new election: the current leader steps down wherever it runs. */
    public void requestElection() throws Exception {
        byte[] stamp = Instant.now().toString().getBytes(StandardCharsets.UTF_8);
        String path = basePath + "/elect";
        if (curator.checkExists().forPath(path) == null) {
            curator.create().creatingParentsIfNeeded().forPath(path, stamp);
        } else {
            curator.setData().forPath(path, stamp);
        }
    }

    private synchronized void stepDownIfLeader() {
        LeaderLatch current = latch;
        if (current == null || !current.hasLeadership()) {
            return;
        }
        try {
            LOG.info("node {} steps down as leader on request", nodeId);
            current.close();
            latch = newLatch();
        } catch (Exception e) {
            LOG.warn("stepping down failed: {}", e.toString());
        }
    }

    public String nodesPath() {
        return basePath + "/nodes";
    }

    public String nodeId() {
        return nodeId;
    }

    public String connectString() {
        return curator.getZookeeperClient().getCurrentConnectionString();
    }

    public boolean connected() {
        return curator.getZookeeperClient().isConnected();
    }

    public boolean isLeader() {
        LeaderLatch l = latch;
        return l != null && l.hasLeadership();
    }

    /** The current leader's node id, if there is one. */
    public Optional<String> leader() {
        try {
            Participant p = latch.getLeader();
            return p.isLeader() ? Optional.of(p.getId()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The ids of live nodes. */
    public List<String> members() throws Exception {
        return curator.getChildren().forPath(nodesPath()).stream().sorted().toList();
    }

    @Override
    public void stop() throws Exception {
        if (electRequests != null) {
            electRequests.close();
        }
        if (latch != null && candidate) {
            latch.close();
        }
        if (node != null) {
            try {
                node.close();
            } catch (java.io.IOException e) {
                // ZooKeeper is away: the ephemeral membership znode goes with this node's session anyway
                LOG.warn("membership znode not removed at shutdown (it goes with the session): {}", e.toString());
            }
        }
    }
}
