package io.agentmesh.service.auth;

import io.dropwizard.lifecycle.Managed;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells every node that a credential was revoked: the revoking node adds a sequential znode naming
 * whose (an agent's id, or nobody in particular for an operator's), every node watches them,
 * forgets its cached credentials and ends the open streams of a revoked agent. A node that loses
 * ZooKeeper forgets its cache when it reconnects (it may have missed one); the cache's own expiry
 * bounds what a node cut off from ZooKeeper still accepts. Znodes older than ten minutes are removed
 * by whoever announces next.
 */
public final class RevocationSignal implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationSignal.class);
    private static final long KEEP_MS = 10 * 60 * 1000L;
    private static final String AGENT = "agent:";

    private final CuratorFramework curator;
    private final String path;
    private final Runnable forget;
    private volatile Consumer<String> agentRevoked = id -> { };
    private CuratorCache cache;
    private final ConnectionStateListener reconnects;

    public RevocationSignal(CuratorFramework curator, String basePath, Runnable forget) {
        this.curator = curator;
        this.path = basePath + "/auth/revocations";
        this.forget = forget;
        this.reconnects = (client, state) -> {
            if (state == ConnectionState.RECONNECTED || state == ConnectionState.LOST) {
                forget.run();
            }
        };
    }

    /** Who is told of an agent's revoked credentials on this node (its open streams end). */
    public void onAgentRevoked(Consumer<String> listener) {
        this.agentRevoked = listener;
    }

    /** Announces a revocation to every node (and this one); {@code agentId} null for an operator credential. */
    public void announce(String agentId) {
        forget.run();
        if (agentId != null) {
            agentRevoked.accept(agentId);
        }
        try {
            byte[] subject = (agentId == null ? "" : AGENT + agentId).getBytes(StandardCharsets.UTF_8);
            curator.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(path + "/r-", subject);
            removeOld();
        } catch (Exception e) {
            // other nodes still drop the credential when their cached copy expires
            LOG.warn("revocation not announced to the other nodes (ZooKeeper: {}); they forget it within the credential "
                    + "cache's expiry", e.toString());
        }
    }

    private void removeOld() throws Exception {
        List<String> children = curator.getChildren().forPath(path);
        long now = System.currentTimeMillis();
        for (String child : children) {
            Stat stat = curator.checkExists().forPath(path + "/" + child);
            if (stat != null && now - stat.getCtime() > KEEP_MS) {
                try {
                    curator.delete().forPath(path + "/" + child);
                } catch (org.apache.zookeeper.KeeperException.NoNodeException gone) {
                    // another node removed it
                }
            }
        }
    }

    @Override
    public void start() throws Exception {
        curator.create().orSetData().creatingParentsIfNeeded().forPath(path);
        cache = CuratorCache.build(curator, path);
        cache.listenable().addListener(CuratorCacheListener.builder().forInitialized(() -> { })
                .forCreates(node -> {
                    if (node.getPath().equals(path)) {
                        return;
                    }
                    forget.run();
                    String subject = node.getData() == null ? "" : new String(node.getData(), StandardCharsets.UTF_8);
                    if (subject.startsWith(AGENT)) {
                        agentRevoked.accept(subject.substring(AGENT.length()));
                    }
                })
                .afterInitialized().build());
        curator.getConnectionStateListenable().addListener(reconnects);
        cache.start();
    }

    @Override
    public void stop() {
        curator.getConnectionStateListenable().removeListener(reconnects);
        if (cache != null) {
            cache.close();
        }
    }
}
