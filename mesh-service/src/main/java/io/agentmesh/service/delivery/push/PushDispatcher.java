package io.agentmesh.service.delivery.push;

import io.agentmesh.service.registry.AgentView;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.common.OwnedTask;
import io.agentmesh.service.delivery.InboxCursor;
import io.agentmesh.service.delivery.InboxReader;
import io.agentmesh.streams.router.RetryPolicy;
import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs a {@link PushWorker} for every active agent registered with {@code "delivery": "push"} (webhook
 * POSTs) or {@code "a2a"} (A2A calls to the agent's A2A server), each through its delivery mode's
 * {@link PushTransport} — on the cluster leader only, so each inbox is pushed by one node. Every second it starts workers
 * for new push agents, restarts those whose endpoint changed, and stops the others; a node that
 * loses leadership stops all of its workers (their last batch, uncommitted, is pushed again by the
 * new leader).
 */
public final class PushDispatcher implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.delivery");

    private final AgentRegistry registry;
    private final InboxReader reader;
    private final Map<String, PushTransport> transports;
    private final PushOutcomes outcomes;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final int lanes;
    private final BooleanSupplier isLeader;
    private final ExecutorService workerThreads;
    private final ExecutorService laneThreads;
    private final Map<String, PushWorker> workers = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    public PushDispatcher(AgentRegistry registry, InboxReader reader, Map<String, PushTransport> transports,
                          PushOutcomes outcomes,
                          RetryPolicy retry, Duration timeout, int lanes, BooleanSupplier isLeader,
                          ExecutorService workerThreads, ExecutorService laneThreads) {
        this.registry = registry;
        this.reader = reader;
        this.transports = Map.copyOf(transports);
        this.outcomes = outcomes;
        this.retry = retry;
        this.timeout = timeout;
        this.lanes = lanes;
        this.isLeader = isLeader;
        this.workerThreads = workerThreads;
        this.laneThreads = laneThreads;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "push-dispatcher");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::reconcile, 1, 1, TimeUnit.SECONDS);
    }

    void reconcile() {
        try {
            if (!isLeader.getAsBoolean()) {
                stopAll();
                return;
            }
            Map<String, Target> wanted = new HashMap<>();
            for (AgentView a : registry.listPushTargets()) {
                PushTransport transport = transports.get(a.delivery());
                if (transport != null) {
                    wanted.put(a.id(), new Target(URI.create(a.endpoint()), a.delivery(), transport));
                }
            }
            workers.forEach((id, w) -> {
                Target t = wanted.get(id);
                if (t == null || !w.endpoint().equals(t.endpoint()) || !t.delivery().equals(w.delivery())) {
                    w.stop();
                    workers.remove(id);
                }
            });
            wanted.forEach((id, target) -> workers.computeIfAbsent(id, k -> start(k, target)));
        } catch (RuntimeException e) {
            LOG.warn("push dispatcher: {}", e.toString());
        }
    }

    /** The agent's worker, started; null when no thread is free (the next round tries again). */
    private PushWorker start(String agentId, Target target) {
        InboxCursor cursor = reader.open(agentId, 100);
        PushWorker w = new PushWorker(target.endpoint(), target.delivery(), cursor, target.transport(), outcomes, retry,
                timeout, lanes, laneThreads);
        try {
            OwnedTask.start(workerThreads, cursor, () -> {
                try {
                    w.run();
                } finally {
                    workers.remove(agentId, w);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("push threads are all busy: the inbox of {} waits for the next round", agentId);
            return null;
        }
        LOG.info("pushing the inbox of {} to {} ({})", agentId, target.endpoint(), target.delivery());
        return w;
    }

    /** Where and how an agent's inbox goes. */
    private record Target(URI endpoint, String delivery, PushTransport transport) {
    }

    private void stopAll() {
        workers.values().forEach(PushWorker::stop);
        workers.clear();
    }

    /** Agents pushed from this node and where to. */
    public Map<String, String> status() {
        Map<String, String> out = new LinkedHashMap<>();
        workers.forEach((id, w) -> out.put(id, w.endpoint().toString()));
        return out;
    }

    @Override
    public void stop() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
        stopAll();
    }
}
