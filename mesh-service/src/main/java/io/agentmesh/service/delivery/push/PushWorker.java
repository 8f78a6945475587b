package io.agentmesh.service.delivery.push;

import io.agentmesh.service.delivery.InboxCursor;
import io.agentmesh.service.delivery.InboxPump;
import io.agentmesh.service.delivery.InboxRecord;
import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.router.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Pushes one agent's inbox to its endpoint. Each poll batch is split into {@code lanes} by record
 * key (same key, same lane: per-key order holds), the lanes run in parallel (bounded per-agent
 * concurrency), each record is retried with the routing backoff on 5xx / timeout / refused
 * connection and dead-lettered as {@code DELIVERY_FAILED} after the last attempt, or at once as
 * {@code REJECTED_BY_AGENT} on a 4xx. The batch's offsets are committed (consumer group = agent id)
 * only when every record in it is delivered or dead-lettered, so a crash or a leader change
 * delivers the batch again (at least once; the CloudEvent id lets the agent drop repeats).
 */
final class PushWorker implements InboxPump.Handoff, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.delivery");

    private final String agentId;
    private final URI endpoint;
    private final String delivery;
    private final InboxPump pump;
    private final PushTransport client;
    private final PushOutcomes outcomes;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final int lanes;
    private final ExecutorService laneThreads;
    private final Map<Integer, Long> done = new HashMap<>();
    private volatile boolean stopped;

    PushWorker(URI endpoint, String delivery, InboxCursor cursor, PushTransport client, PushOutcomes outcomes,
               RetryPolicy retry, Duration timeout, int lanes, ExecutorService laneThreads) {
        this.agentId = cursor.agentId();
        this.endpoint = endpoint;
        this.delivery = delivery;
        this.pump = new InboxPump(cursor, this);
        this.client = client;
        this.outcomes = outcomes;
        this.retry = retry;
        this.timeout = timeout;
        this.lanes = lanes;
        this.laneThreads = laneThreads;
    }

    URI endpoint() {
        return endpoint;
    }

    String delivery() {
        return delivery;
    }

    void stop() {
        stopped = true;
        pump.stop(null);
    }

    @Override
    public void run() {
        pump.run();
    }

    @Override
    public boolean hand(InboxCursor.Batch batch) {
        if (!deliver(batch.records())) {
            return false;
        }
        done.putAll(batch.next());
        return true;
    }

    /** The batch is delivered or dead-lettered: the agent's position moves past it. */
    @Override
    public void afterRound(InboxCursor cursor) {
        if (!done.isEmpty()) {
            cursor.commit(done);
            done.clear();
        }
    }

    @Override
    public void ended(InboxCursor cursor, String stopReason, Throwable failure) {
        if (failure != null) {
            LOG.warn("push worker of {} failed (its batch will be pushed again): {}", agentId, failure.toString());
        } else {
            LOG.debug("push worker of {} stopped", agentId);
        }
    }

    /** True when every record is delivered or dead-lettered; false when stopped midway. */
    private boolean deliver(List<InboxRecord> batch) {
        List<List<InboxRecord>> byLane = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            byLane.add(new ArrayList<>());
        }
        for (InboxRecord r : batch) {
            int lane = r.key() == null ? (int) (r.offset() % lanes) : Math.floorMod(Arrays.hashCode(r.key()), lanes);
            byLane.get(lane).add(r);
        }
        List<CompletableFuture<Boolean>> running = new ArrayList<>();
        for (List<InboxRecord> lane : byLane) {
            if (!lane.isEmpty()) {
                running.add(CompletableFuture.supplyAsync(() -> deliverInOrder(lane), laneThreads));
            }
        }
        boolean all = true;
        for (CompletableFuture<Boolean> f : running) {
            all &= f.join();
        }
        return all;
    }

    private boolean deliverInOrder(List<InboxRecord> lane) {
        for (InboxRecord r : lane) {
            if (!deliverOne(r)) {
                return false;
            }
        }
        return true;
    }

    private boolean deliverOne(InboxRecord r) {
        long firstFailure = 0;
        for (int attempt = 1; ; attempt++) {
            if (stopped) {
                return false;
            }
            PushTransport.Result result = client.post(endpoint, r, timeout);
            switch (result.outcome()) {
                case DELIVERED -> {
                    outcomes.delivered(agentId, r);
                    return true;
                }
                case REJECTED -> {
                    outcomes.deadLetter(agentId, r, DeadLetterReason.REJECTED_BY_AGENT,
                            "the agent answered " + result.detail(), attempt, System.currentTimeMillis());
                    return true;
                }
                default -> {
                    firstFailure = firstFailure == 0 ? System.currentTimeMillis() : firstFailure;
                    if (attempt >= retry.maxAttempts()) {
                        outcomes.deadLetter(agentId, r, DeadLetterReason.DELIVERY_FAILED,
                                "push to " + endpoint + " failed " + attempt + " times, last: " + result.detail(),
                                attempt, firstFailure);
                        return true;
                    }
                    if (!sleep(retry.delayAfter(attempt))) {
                        return false;
                    }
                }
            }
        }
    }

    private boolean sleep(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (!stopped && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stopped;
    }
}
