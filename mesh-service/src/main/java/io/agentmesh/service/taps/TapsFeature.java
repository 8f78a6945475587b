package io.agentmesh.service.taps;

import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.routing.SiblingStreams;
import io.agentmesh.streams.registry.RegistryIndex;
import io.agentmesh.streams.taps.TapCatalog;
import io.agentmesh.streams.taps.TapTopology;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Analytics taps: defined over REST and kept in PostgreSQL, run by an application of their own
 * beside the router on router nodes ({@code <applicationId>-taps}), each writing its topic.
 */
public final class TapsFeature {

    /** The taps application's id after the router's: {@code <applicationId>-taps}. */
    public static final String APPLICATION = "taps";
    /** How often a router node looks whether a tap exists (its taps application runs only then). */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

    private final TapService service;

    /** {@code streamsProps}: the taps application's properties on a router node, else null. */
    public TapsFeature(Platform p, TapDao dao, io.agentmesh.service.registry.AgentRegistry registry, TapAccess access,
                       Properties streamsProps) {
        this.service = new TapService(dao, p.topicAdmin(), p.publisher(), p.topics(),
                p.mapper(), access, registry::exists);
        TapCatalog catalog = null;
        java.util.function.LongSupplier lag = null;
        TapMetrics metrics;
        if (streamsProps != null) {
            TapCatalog taps = new TapCatalog();
            catalog = taps;
            TapsApplication[] app = new TapsApplication[1];
            lag = () -> app[0].lag();
            metrics = new TapMetrics(p.metrics().prometheus(), lag);
            TapMetrics listener = metrics;
            Properties props = withAtLeastOnce(streamsProps);
            app[0] = new TapsApplication(() -> new SiblingStreams("taps", TapTopology.topology(p.topics().ingress(),
                    p.topics().events(), p.topics().tapDefinitions(), p.topics().registry(), p.topics().health(), taps,
                    new RegistryIndex(), listener), props, p.streamsShutdown()), dao::oldestLive,
                    new TapPositions(p.admin(), props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG),
                            List.of(p.topics().ingress(), p.topics().events())), taps, CHECK_INTERVAL);
            p.env().lifecycle().manage(app[0]);
            p.streamsShutdown().add(app[0]::beginClose);
        } else {
            metrics = new TapMetrics(p.metrics().prometheus(), null);
        }
        TapBackfills backfills = new TapBackfills(service, p.topics(), p.kafkaProps(), p.mapper(),
                () -> registry.listAll(null, null).stream().map(a -> new io.agentmesh.streams.registry.RegistryEntry(a.id(),
                        a.name(), a.namespace(), a.capabilities(), a.endpoint(), a.status(), null)).toList(),
                p.clock(), io.agentmesh.service.common.BoundedThreads.create("tap-backfill", 2));
        p.api(new TapResource(service, backfills, new TapTail(p.kafkaProps()),
                new io.agentmesh.service.common.LongWork("tap_reads", "a read of a tap", 8, 5, p.env().metrics()),
                new TapStatus(p.mapper(), catalog, metrics, lag), schema()));
    }

    /** The leader's round: definitions told again, topics of taps deleted longer than their retention ago removed. */
    public Runnable reconciler(java.time.Clock clock) {
        return () -> {
            try {
                service.reconcile(clock.instant());
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger("io.agentmesh.taps").warn("taps not reconciled this time: {}", e.toString());
            }
        };
    }

    /** Taps are analytics: at-least-once (each record's event_id lets a consumer drop a repeat). */
    private static Properties withAtLeastOnce(Properties props) {
        Properties p = new Properties();
        p.putAll(props);
        p.put(org.apache.kafka.streams.StreamsConfig.PROCESSING_GUARANTEE_CONFIG, org.apache.kafka.streams.StreamsConfig.AT_LEAST_ONCE);
        // what the router committed only, as a backfill reads it (at-least-once would read aborted events too)
        p.put(org.apache.kafka.streams.StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG),
                "read_committed");
        // a tap topic that went missing fails the write in seconds (the thread restarts and the leader
        // makes the topic again), not after the producer's minute, past the consumer's poll interval
        p.put(org.apache.kafka.streams.StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG),
                "10000");
        return p;
    }

    static byte[] schema() {
        try (InputStream in = TapsFeature.class.getResourceAsStream("tap-record.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("tap-record.schema.json is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
