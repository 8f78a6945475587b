package io.agentmesh.service.kafka;

import com.codahale.metrics.health.HealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.util.concurrent.TimeUnit;

/** Kafka is up when the cluster answers a describe within two seconds. */
public final class KafkaHealthCheck extends HealthCheck {

    private final Admin admin;

    public KafkaHealthCheck(Admin admin) {
        this.admin = admin;
    }

    @Override
    protected Result check() throws Exception {
        var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000));
        int brokers = cluster.nodes().get(2, TimeUnit.SECONDS).size();
        String clusterId = cluster.clusterId().get(2, TimeUnit.SECONDS);
        return brokers > 0 ? Result.healthy("%d broker(s), cluster %s", brokers, clusterId)
                : Result.unhealthy("no brokers");
    }
}
