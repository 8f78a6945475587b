package io.agentmesh.service.routing;

import io.agentmesh.service.platform.StreamsShutdown;
import io.agentmesh.service.registry.RouterView;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryTable;
import io.agentmesh.streams.router.InboxMetadataWarmer;
import io.agentmesh.streams.router.RouterTopology;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Runs the router topology in this process. A failing stream thread is replaced rather than
 * taking the node down; the state is visible to the health check.
 */
public final class RouterStreams implements Managed, RouterView {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.routing");

    private final KafkaStreams streams;
    private final InboxMetadataWarmer warmer;
    private final StreamsShutdown shutdown;
    private final io.agentmesh.streams.registry.RegistryIndex index;

    private RouterStreams() {
        this.streams = null;
        this.warmer = null;
        this.index = null;
        this.shutdown = null;
    }

    /** A node without the router role: nothing runs, every view is empty, the state is NOT_RUNNING. */
    public static RouterStreams disabled() {
        return new RouterStreams();
    }

    public boolean enabled() {
        return streams != null;
    }

    /**
     * {@code warmer} makes the router's producers (and gets them ready for fan-outs, as the topology
     * asks it to); {@code index} is the topology's in-memory registry, which answers
     * {@link #find} once loaded.
     */
    public RouterStreams(Topology topology, Properties props, InboxMetadataWarmer warmer,
                         io.agentmesh.streams.registry.RegistryIndex index, StreamsShutdown shutdown) {
        this.shutdown = shutdown;
        this.streams = new KafkaStreams(topology, props, warmer.clientSupplier());
        this.warmer = warmer;
        this.index = index;
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("router stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("router state {} -> {}", before, now));
    }

    @Override
    public void start() {
        if (streams != null) {
            streams.start();
        }
    }

    @Override
    public void stop() {
        if (streams != null) {
            streams.close(shutdown.closeTimeout());
            warmer.close();
        }
    }

    /** Starts closing the router without waiting ({@code stop} then waits for it). */
    public void beginClose() {
        if (streams != null) {
            streams.close(Duration.ZERO);
        }
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
    }

    public boolean running() {
        return streams != null && streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Every agent in the router's registry store, in id order; empty when the router is not running. */
    public java.util.List<RegistryEntry> all() {
        if (!running()) {
            return java.util.List.of();
        }
        java.util.List<RegistryEntry> out = new java.util.ArrayList<>();
        try (var it = streams.store(StoreQueryParameters.fromNameAndType(RegistryTable.STORE,
                QueryableStoreTypes.<String, RegistryEntry>keyValueStore())).all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
        } catch (InvalidStateStoreException e) {
            // restoring or rebalancing: "no agents" would be a wrong answer
            throw new io.agentmesh.service.errors.MeshException(io.agentmesh.service.errors.ErrorCode.DEPENDENCY_UNAVAILABLE,
                    "the router's registry store is not readable now (" + e.getMessage() + "); retry shortly",
                    java.util.Map.of("dependency", "streams"));
        }
        return out;
    }

    /** Agents' health as the router reads it from mesh.health (absent: no record, eligible). */
    public java.util.Map<String, io.agentmesh.streams.registry.AgentHealth> health() {
        if (!running()) {
            return java.util.Map.of();
        }
        java.util.Map<String, io.agentmesh.streams.registry.AgentHealth> out = new java.util.HashMap<>();
        try (var it = streams.store(StoreQueryParameters.fromNameAndType(RegistryTable.HEALTH_STORE,
                QueryableStoreTypes.<String, io.agentmesh.streams.registry.AgentHealth>keyValueStore())).all()) {
            it.forEachRemaining(kv -> out.put(kv.key, kv.value));
        } catch (InvalidStateStoreException e) {
            return java.util.Map.of();
        }
        return out;
    }

    /** How many message ids the local router tasks remember for dedupe, counting up to {@code cap}. */
    public long dedupeHeld(long cap) {
        if (!running()) {
            return 0;
        }
        long n = 0;
        try (var it = streams.store(StoreQueryParameters.fromNameAndType(RouterTopology.DEDUPE_STORE,
                QueryableStoreTypes.<String, Long>windowStore())).all()) {
            while (it.hasNext() && n < cap) {
                it.next();
                n++;
            }
        } catch (InvalidStateStoreException e) {
            return 0;
        }
        return n;
    }

    /** Messages the local router tasks hold for a retry (approximate). */
    public long pendingRetries() {
        if (!running()) {
            return 0;
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(RouterTopology.RETRY_QUEUE_STORE,
                    QueryableStoreTypes.<String, byte[]>keyValueStore())).approximateNumEntries();
        } catch (InvalidStateStoreException e) {
            return 0;
        }
    }

    @Override
    public boolean available() {
        return running();
    }

    /**
     * The router's own view of an agent; empty when unknown or when the router is not running. From
     * the router's in-memory index once it is loaded (every send asks, and a store read costs a RocksDB
     * lookup and a JSON decode), from the store before.
     */
    @Override
    public Optional<RegistryEntry> find(String agentId) {
        if (!running()) {
            return Optional.empty();
        }
        if (index.loaded()) {
            return Optional.ofNullable(index.agent(agentId));
        }
        try {
            ReadOnlyKeyValueStore<String, RegistryEntry> store = streams.store(
                    StoreQueryParameters.fromNameAndType(RegistryTable.STORE, QueryableStoreTypes.keyValueStore()));
            return Optional.ofNullable(store.get(agentId));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }
}
