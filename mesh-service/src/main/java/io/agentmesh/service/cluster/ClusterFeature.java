package io.agentmesh.service.cluster;

import com.codahale.metrics.CachedGauge;
import io.agentmesh.service.config.ZooKeeperSettings;
import io.agentmesh.service.health.HealthService;
import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.registry.RegistryFeature;
import io.agentmesh.service.registry.RouterView;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node's place in the cluster: membership and leader election through Curator, the chores only
 * the leader runs, cluster status and repair endpoints, the ZooKeeper health check and the node
 * gauges ({@code mesh_cluster_nodes}, {@code mesh_expected_nodes}).
 */
public final class ClusterFeature {

    private final Platform platform;
    private final int expectedNodes;
    private final ClusterMembership membership;
    private final LeaderChores chores;

    public ClusterFeature(Platform p, ZooKeeperSettings zookeeper) {
        this.platform = p;
        this.expectedNodes = zookeeper.getExpectedNodes();
        this.membership = new ClusterMembership(p.curator(), zookeeper.getBasePath(), p.nodeId(),
                "{\"node\":\"" + p.nodeId() + "\",\"roles\":\"" + p.roles() + "\"}", p.roles().monitor());
        this.chores = new LeaderChores(membership::isLeader);
        p.env().lifecycle().manage(membership);
        p.env().healthChecks().register("zookeeper", new ZooKeeperHealthCheck(membership));
        p.env().metrics().gauge("mesh.expected_nodes", () -> () -> expectedNodes);
        p.env().metrics().register("mesh.cluster_nodes", new CachedGauge<Integer>(2, TimeUnit.SECONDS) {
            @Override
            protected Integer loadValue() {
                try {
                    return membership.members().size();
                } catch (Exception e) {
                    return 0;
                }
            }
        });
    }

    public ClusterMembership membership() {
        return membership;
    }

    /** A chore the leader runs every {@code every} (re-read each tick). */
    public void chore(String name, Supplier<Duration> every, Runnable task) {
        chores.add(name, every, task);
    }

    /** The cluster endpoints, and the chores on monitor nodes. */
    public void register(RegistryFeature registry, RouterView router, HealthService health) {
        platform.api(new ClusterResource(membership, expectedNodes, new ClusterRepair(registry.registry(),
                registry.cache(), router, registry.discovery(), health), chores,
                new io.agentmesh.service.common.LongWork("elections", "a leader election", 1, 15, platform.env().metrics())));
        if (platform.roles().monitor()) {
            platform.env().lifecycle().manage(chores);
        }
    }
}
