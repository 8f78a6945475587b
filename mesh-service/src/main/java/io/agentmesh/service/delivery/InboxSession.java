package io.agentmesh.service.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One agent's inbox served to its open Connect streams on this node: the Connect path's
 * {@link InboxPump.Handoff}. Records are read only while the streams have credit for them (at most
 * {@code maxBuffered} wait here), handed out lowest offset first by the {@link CreditDispatcher},
 * and tracked by the {@link AckLedger} until acked (at most {@code 4 * maxBuffered} unacked per
 * agent: beyond that, more credit waits for acks). The committed offset of the agent's consumer
 * group is the lowest offset not yet acked (acks above it go into the commit's metadata), so a
 * stream that ends unacked — or a node that dies — hands its messages back: they come again, in
 * order, to another stream or the agent's next one. The pump's thread reads and commits; streams
 * talk to the session under its lock.
 */
final class InboxSession implements InboxPump.Handoff, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.grpc");
    private static final Duration ROUND = Duration.ofMillis(100);

    /** What the connection listing shows of a stream besides its credit and unacked count. */
    private static final class Stats {
        final Instant since = Instant.now();
        long messages;
        long bytes;
    }

    private final String agentId;
    private final DeliveryEvents deliveries;
    private final int maxBuffered;
    private final int maxUnacked;
    private final InboxPump pump;
    private final AckLedger<DeliverySink> ledger;
    private final CreditDispatcher<DeliverySink> dispatcher = new CreditDispatcher<>();
    private final Map<DeliverySink, Stats> sinks = new LinkedHashMap<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final InboxLeases.Lease lease;
    private volatile Runnable onClosed = () -> { };
    private boolean closing;
    private boolean paused;

    /** {@code alive} runs every round while streams are open (a sign of life of the agent). */
    InboxSession(InboxCursor cursor, DeliveryEvents deliveries, int maxBuffered, Runnable alive, InboxLeases.Lease lease) {
        this.lease = lease;
        this.agentId = cursor.agentId();
        this.deliveries = deliveries;
        this.maxBuffered = maxBuffered;
        this.maxUnacked = maxBuffered * 4;
        this.ledger = new AckLedger<>(cursor.acknowledged());
        this.pump = new InboxPump(cursor, this, ROUND).eachRound(alive);
    }

    String agentId() {
        return agentId;
    }

    /** The inbox lease this session commits under. */
    InboxLeases.Lease lease() {
        return lease;
    }

    void onClosed(Runnable action) {
        this.onClosed = action;
    }

    /** Waits until the session's thread has made its last commit and closed the consumer. */
    /** Waits until the session's thread has made its last commit; false when it has not within {@code timeout}. */
    boolean awaitClosed(Duration timeout) {
        try {
            return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Adds a stream with its first credit; false if the session is already closing. */
    synchronized boolean attach(DeliverySink sink, int credit) {
        if (closing) {
            return false;
        }
        sinks.put(sink, new Stats());
        dispatcher.add(sink, credit);
        dispatch();
        notifyAll();
        return true;
    }

    synchronized void credit(DeliverySink sink, int more) {
        if (sinks.containsKey(sink)) {
            dispatcher.grant(sink, more);
            dispatch();
            notifyAll();
        }
    }

    /** Acks deliveries of this stream; an id it does not hold unacked is refused, nothing else changes. */
    synchronized void ack(DeliverySink sink, List<String> ids) {
        deliveries.acked(agentId, "grpc-connect", ledger.ack(sinks.containsKey(sink) ? sink : null, ids));
        dispatch();
        notifyAll();
    }

    /** A stream's transport takes more again (gRPC onReady): what waits for it goes out. */
    synchronized void readyAgain(DeliverySink sink) {
        if (sinks.containsKey(sink)) {
            dispatch();
            notifyAll();
        }
    }

    /** Removes a stream; what it had not acked goes back to the front of the queue. */
    synchronized void detach(DeliverySink sink) {
        if (sinks.remove(sink) == null) {
            return;
        }
        dispatcher.remove(sink);
        ledger.giveBack(sink);
        if (sinks.isEmpty()) {
            closing = true;
            pump.stop(null);
        }
        dispatch();
        notifyAll();
    }

    /** Ends every stream (their unacked messages stay uncommitted) and closes the session. */
    void endAll(String reason) {
        List<DeliverySink> all;
        synchronized (this) {
            all = new ArrayList<>(sinks.keySet());
        }
        for (DeliverySink sink : all) {
            detach(sink);
            synchronized (this) {
                sink.end(reason);
            }
        }
        synchronized (this) {
            closing = true;
            pump.stop(null);
            notifyAll();
        }
    }

    synchronized List<StreamInfo> streams() {
        List<StreamInfo> out = new ArrayList<>();
        sinks.forEach((sink, s) -> out.add(new StreamInfo(sink.id(), agentId, sink.peer(), s.since.toString(),
                s.messages, s.bytes, dispatcher.credit(sink), ledger.unackedBy(sink))));
        return out;
    }

    synchronized int buffered() {
        return ledger.waiting();
    }

    synchronized int unacked() {
        return ledger.inFlight();
    }

    /** Paused (drain): no new deliveries; acks still count. */
    synchronized void pause(boolean value) {
        paused = value;
        notifyAll();
    }

    /** Hands waiting records to streams with credit, lowest offset first, round-robin. */
    private void dispatch() {
        while (!paused && ledger.waiting() > 0 && ledger.inFlight() < maxUnacked) {
            DeliverySink target = dispatcher.take(DeliverySink::ready);
            if (target == null) {
                return;
            }
            AckLedger.Delivery d = ledger.next(target);
            Stats stats = sinks.get(target);
            stats.messages++;
            stats.bytes += d.record().payload().length;
            target.deliver(d.position().id(), d.record(), d.attempt());
            if (d.attempt() == 1) {
                deliveries.delivered(agentId, "grpc", List.of(d.record()));
            }
        }
    }

    private boolean wantsRecords() {
        return !closing && !paused && ledger.waiting() < Math.min(dispatcher.total(maxBuffered), maxBuffered);
    }

    // InboxPump.Handoff, on the pump's thread

    @Override
    public synchronized boolean awaitDemand(Duration max) throws InterruptedException {
        if (!wantsRecords()) {
            wait(max.toMillis());
        }
        return wantsRecords();
    }

    @Override
    public synchronized boolean hand(InboxCursor.Batch batch) {
        ledger.read(batch);
        dispatch();
        return true;
    }

    @Override
    public void afterRound(InboxCursor cursor) {
        commit(cursor);
    }

    @Override
    public void ended(InboxCursor cursor, String stopReason, Throwable failure) {
        if (failure != null && !(failure instanceof InterruptedException)) {
            LOG.warn("inbox session of {} failed: {}", agentId, failure.toString());
            endAll("inbox session failed: " + failure.getMessage());
        }
        if (failure instanceof InboxCursor.FencedException) {
            return;
        }
        try {
            commit(cursor);
        } catch (RuntimeException e) {
            LOG.warn("final commit of {} failed (its unacked messages will come again): {}", agentId, e.toString());
        }
    }

    /** Commits what changed, while the lease is usable (acks made meanwhile wait in the ledger). */
    private void commit(InboxCursor cursor) {
        if (!lease.usable()) {
            return;
        }
        Map<Integer, InboxCursor.Commit> commits;
        synchronized (this) {
            commits = ledger.commit();
        }
        if (commits != null) {
            cursor.commitWithAcks(commits, lease.epoch(), lease::fencedBy);
        }
    }

    /** The session's thread: the pump until the last stream leaves, then the lease goes. */
    @Override
    public void run() {
        try {
            pump.run();
        } finally {
            done.countDown();
            onClosed.run();
        }
    }

    void stop() {
        pump.stop(null);
    }
}
