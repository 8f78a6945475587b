package io.agentmesh.service.a2a;

import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Properties;

/**
 * Runs the A2A task snapshot application (mesh-streams' {@code TaskSnapshots}) on a router node, as
 * an application of its own: its failures and its large writes stay out of the router's
 * transactions. A failing stream thread is replaced.
 */
public final class TaskSnapshotStreams implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.a2a");

    private final KafkaStreams streams;

    public TaskSnapshotStreams(Topology topology, Properties props) {
        this.streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("A2A task snapshot thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    @Override
    public void start() {
        streams.start();
    }

    @Override
    public void stop() {
        streams.close(Duration.ofSeconds(30));
    }
}
