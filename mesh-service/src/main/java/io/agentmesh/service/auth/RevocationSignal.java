package io.agentmesh.service.auth;

import io.dropwizard.lifecycle.Managed;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Tells every node that a credential was revoked: the revoking node bumps a ZooKeeper znode, every
 * node watches it and forgets its cached credentials when it changes. A node that loses ZooKeeper
 * forgets them too when it reconnects (it may have missed a change); the cache's own expiry bounds
 * what a node cut off from ZooKeeper still accepts.
 */
public final class RevocationSignal implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationSignal.class);

    private final CuratorFramework curator;
    private final String path;
    private final Runnable onChange;
    private CuratorCache cache;
    private final ConnectionStateListener reconnects;

    public RevocationSignal(CuratorFramework curator, String basePath, Runnable onChange) {
        this.curator = curator;
        this.path = basePath + "/auth/revocations";
        this.onChange = onChange;
        this.reconnects = (client, state) -> {
            if (state == ConnectionState.RECONNECTED || state == ConnectionState.LOST) {
                onChange.run();
            }
        };
    }

    /** Announces a revocation to every node; returns once ZooKeeper holds it. */
    public void announce() {
        onChange.run();
        try {
            byte[] stamp = Long.toString(System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
            if (curator.checkExists().forPath(path) == null) {
                curator.create().orSetData().creatingParentsIfNeeded().forPath(path, stamp);
            } else {
                curator.setData().forPath(path, stamp);
            }
        } catch (Exception e) {
            // other nodes still drop the credential when their cached copy expires
            LOG.warn("revocation not announced to the other nodes (ZooKeeper: {}); they forget it within the credential cache's expiry",
                    e.toString());
        }
    }

    @Override
    public void start() {
        cache = CuratorCache.build(curator, path, CuratorCache.Options.SINGLE_NODE_CACHE);
        cache.listenable().addListener((type, before, after) -> onChange.run());
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
