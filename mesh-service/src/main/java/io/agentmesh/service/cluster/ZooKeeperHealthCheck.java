package io.agentmesh.service.cluster;

import com.codahale.metrics.health.HealthCheck;

/** ZooKeeper is up while Curator holds a connected session. */
public final class ZooKeeperHealthCheck extends HealthCheck {

    private final ClusterMembership membership;

    public ZooKeeperHealthCheck(ClusterMembership membership) {
        this.membership = membership;
    }

    @Override
    protected Result check() {
        return membership.connected()
                ? Result.healthy("connected to %s as node %s", membership.connectString(), membership.nodeId())
                : Result.unhealthy("not connected to %s", membership.connectString());
    }
}
