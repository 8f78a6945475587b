package io.agentmesh.service.routing;

import io.agentmesh.service.platform.StreamsShutdown;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Runs a Kafka Streams application beside the router on a router node (the A2A task snapshots, the
 * analytics taps), as an application of its own: its failures and its writes stay out of the
 * router's transactions. A failing stream thread is replaced.
 */
public final class SiblingStreams implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.routing");

    private final String label;
    private final KafkaStreams streams;
    private final StreamsShutdown shutdown;

    /** {@code shutdown}: how long a close may wait (the node's stop gives all its applications one deadline). */
    public SiblingStreams(String label, Topology topology, Properties props, StreamsShutdown shutdown) {
        this.label = label;
        this.shutdown = shutdown;
        this.streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("{} stream thread failed; replacing it", label, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Records its consumers have yet to read, summed over their partitions (as the consumers last saw it). */
    public long lag() {
        long sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName n = e.getKey();
            if ("records-lag".equals(n.name()) && "consumer-fetch-manager-metrics".equals(n.group())
                    && n.tags().containsKey("partition") && e.getValue().metricValue() instanceof Number v
                    && !Double.isNaN(v.doubleValue())) {
                sum += v.longValue();
            }
        }
        return sum;
    }

    @Override
    public void start() {
        streams.start();
        LOG.info("{} application started", label);
    }

    @Override
    public void stop() {
        streams.close(shutdown.closeTimeout());
    }

    /** Starts closing the application without waiting ({@code stop} then waits for it). */
    public void beginClose() {
        streams.close(Duration.ZERO);
    }

    /**
     * Starts closing the application and leaving its group, without waiting. The first close says
     * how the application closes: a later {@link #stopAndLeaveGroup()} only waits for it.
     */
    public void beginCloseAndLeaveGroup() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ZERO));
    }

    /**
     * Stops and leaves the consumer group at once, for an application stopped while its node goes on:
     * otherwise the group keeps the stopped member until its session times out, and whoever starts the
     * application next (this node or another) waits for that.
     */
    public void stopAndLeaveGroup() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(shutdown.closeTimeout()));
    }
}
