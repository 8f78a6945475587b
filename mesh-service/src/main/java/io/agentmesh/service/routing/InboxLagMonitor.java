package io.agentmesh.service.routing;

import io.agentmesh.streams.router.LoadView;
import io.agentmesh.streams.topics.MeshTopics;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Inbox lag per agent (end offset minus the offset committed by consumer group = agent id), for
 * least-loaded selection. The router asks from its stream thread and gets the last known value at
 * once (0 until known); the agents it asked about are refreshed in the background, in two batched
 * admin calls, every {@code refresh}.
 */
public final class InboxLagMonitor implements LoadView, Managed {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.routing");

    private final Admin admin;
    private final MeshTopics topics;
    private final Duration refresh;
    private final Map<String, Long> lags = new ConcurrentHashMap<>();
    private final Set<String> tracked = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;

    public InboxLagMonitor(Admin admin, MeshTopics topics, Duration refresh) {
        this.admin = admin;
        this.topics = topics;
        this.refresh = refresh;
    }

    @Override
    public long lag(String agentId) {
        tracked.add(agentId);
        return lags.getOrDefault(agentId, 0L);
    }

    /** Forgets every known lag (they are re-learned on the next refresh); returns how many were held. */
    public int clear() {
        int n = lags.size();
        lags.clear();
        tracked.clear();
        return n;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "inbox-lag-monitor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::refreshQuietly, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refreshQuietly() {
        try {
            refreshNow();
        } catch (Exception e) {
            LOG.debug("inbox lag refresh failed: {}", e.toString());
        }
    }

    /** Recomputes the lag of every tracked agent (single partition or many). */
    public void refreshNow() throws Exception {
        if (tracked.isEmpty()) {
            return;
        }
        List<String> agents = List.copyOf(tracked);
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        var described = admin.describeTopics(agents.stream().map(topics::inbox).toList()).topicNameValues();
        Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
        for (String agent : agents) {
            var d = described.get(topics.inbox(agent));
            try {
                d.get(5, TimeUnit.SECONDS).partitions().forEach(p ->
                        ends.put(new TopicPartition(topics.inbox(agent), p.partition()), OffsetSpec.latest()));
                groups.put(agent, new ListConsumerGroupOffsetsSpec());
            } catch (Exception e) {
                tracked.remove(agent);
                lags.remove(agent);
            }
        }
        var endOffsets = admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS);
        var committed = admin.listConsumerGroupOffsets(groups);
        for (String agent : groups.keySet()) {
            Map<TopicPartition, OffsetAndMetadata> done = committed.partitionsToOffsetAndMetadata(agent).get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (var e : endOffsets.entrySet()) {
                if (e.getKey().topic().equals(topics.inbox(agent))) {
                    OffsetAndMetadata at = done.get(e.getKey());
                    lag += e.getValue().offset() - (at == null ? 0 : at.offset());
                }
            }
            lags.put(agent, Math.max(0, lag));
        }
    }

    @Override
    public void stop() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
