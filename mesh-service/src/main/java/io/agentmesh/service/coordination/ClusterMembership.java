package io.agentmesh.service.coordination;

import io.dropwizard.lifecycle.Managed;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * This node's membership in the mesh cluster: an ephemeral znode under {@code <base>/nodes} that
 * Curator re-creates after a session loss, so the set of children is the set of live nodes.
 */
public final class ClusterMembership implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    private final CuratorFramework curator;
    private final String basePath;
    private final String nodeId;
    private final String nodeInfo;
    private PersistentNode node;

    public ClusterMembership(CuratorFramework curator, String basePath, String nodeId, String nodeInfo) {
        this.curator = curator;
        this.basePath = basePath;
        this.nodeId = nodeId;
        this.nodeInfo = nodeInfo;
    }

    @Override
    public void start() throws Exception {
        curator.start();
        node = new PersistentNode(curator, CreateMode.EPHEMERAL, false, nodesPath() + "/" + nodeId,
                nodeInfo.getBytes(StandardCharsets.UTF_8));
        node.start();
        if (!node.waitForInitialCreate(10, TimeUnit.SECONDS)) {
            LOG.warn("ZooKeeper at {} not reached yet; node {} will join when it is", connectString(), nodeId);
        } else {
            LOG.info("joined the mesh cluster as {} at {}{}", nodeId, connectString(), nodesPath());
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

    /** The ids of live nodes. */
    public List<String> members() throws Exception {
        return curator.getChildren().forPath(nodesPath());
    }

    @Override
    public void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        curator.close();
    }
}
