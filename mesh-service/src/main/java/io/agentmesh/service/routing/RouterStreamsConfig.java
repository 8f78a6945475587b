package io.agentmesh.service.routing;

import io.agentmesh.service.config.KafkaSettings;
import io.agentmesh.service.config.StreamsSettings;
import io.agentmesh.service.kafka.KafkaClientProps;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The router's Kafka Streams settings: the configured guarantee (exactly-once unless {@code streams.guarantee}
 * says at-least-once), the commit interval that sets the latency
 * floor, a quick failure detection, poison records logged and skipped (the topology dead-letters
 * what it can read but not route), and whatever {@code streams.properties} adds.
 */
final class RouterStreamsConfig {

    private RouterStreamsConfig() {
    }

    static Properties properties(StreamsSettings streams, KafkaSettings kafka, KafkaClientProps props,
                                                String nodeId, Duration inboxRetention) {
        Properties p = new Properties();
        p.putAll(props.common());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, streams.getApplicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(streams.getStateDir(), nodeId).toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, streams.processingGuarantee());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "20");
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(kafka.getReplicationFactor()));
        // the router's changelogs hold the dedupe window and waiting messages: as durable as the inboxes
        p.put(StreamsConfig.topicPrefix(org.apache.kafka.common.config.TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
                Short.toString(kafka.effectiveMinInsyncReplicas()));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        p.put(StreamsConfig.CLIENT_ID_CONFIG, "mesh-" + nodeId + "-router");
        // every router task reads one partition of mesh.ingress, so there is nothing to wait for across
        // partitions; disabled, Kafka Streams skips a check that formatted a string for every record
        // (13 % of the stream thread's samples in a profile of ./mesh bench)
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        // Kafka Streams lets its producer linger 100 ms; records then wait for the commit to be sent.
        // A few ms still batches under load and sends a record soon after it is routed.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5");
        // a node that died is noticed in 10 s rather than the default 45 s
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), "10000");
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), "3000");
        // the router keeps inbox metadata for agents that are written to rarely (the default forgets it after
        // 5 idle minutes and the next send waits for it on the stream thread); never longer than a deregistered
        // agent's inbox is kept, so it does not ask after deleted topics
        p.put(StreamsConfig.producerPrefix(ProducerConfig.METADATA_MAX_IDLE_CONFIG),
                Long.toString(Math.min(Duration.ofDays(1).toMillis(), Math.max(Duration.ofMinutes(5).toMillis(),
                        inboxRetention.toMillis()))));
        // a message at the payload limit fits every record the router writes: inboxes, DLQ, and the
        // changelog of the parked messages
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Integer.toString(props.maxRequestBytes()));
        p.put(StreamsConfig.topicPrefix(org.apache.kafka.common.config.TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
                Integer.toString(props.maxRequestBytes()));
        p.putAll(streams.getProperties());
        return p;
    }

}
