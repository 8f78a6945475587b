package io.agentmesh.service.delivery;

import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;

/**
 * The loop every streaming delivery path runs over its {@link InboxCursor}: read while the agent
 * can take more, hand each batch over, let the path commit what was acknowledged, and end when the
 * path says so, when {@link #stop} is called (drain, cancel, shutdown) or when reading fails. The
 * paths differ only in their {@link Handoff}: server-sent events, gRPC Subscribe, gRPC Connect,
 * webhook push. The cursor is closed when the pump ends.
 */
public final class InboxPump implements Runnable {

    /** How one delivery path hands messages to its agent. Called from the pump's thread only. */
    public interface Handoff {

        /** Whether the agent can take more now; may wait up to {@code max} for it. False skips this round's read. */
        default boolean awaitDemand(Duration max) throws InterruptedException {
            return true;
        }

        /** Hands a batch to the agent; false ends the pump. */
        boolean hand(InboxCursor.Batch batch) throws Exception;

        /** A read brought nothing (keepalives, deadlines); false ends the pump. */
        default boolean idle() throws Exception {
            return true;
        }

        /** After every round, for paths that commit what the agent acknowledged. */
        default void afterRound(InboxCursor cursor) {
        }

        /**
         * Once, before the cursor closes. {@code stopReason} is what {@link #stop} was given (null when
         * the handoff ended the pump or nobody gave a reason); {@code failure} is set when reading or
         * handing over failed ({@link InterruptedException} when the thread was interrupted).
         */
        default void ended(InboxCursor cursor, String stopReason, Throwable failure) {
        }
    }

    private static final Duration ROUND = Duration.ofMillis(250);

    private final InboxCursor cursor;
    private final Handoff handoff;
    private final Duration round;
    private volatile boolean stopped;
    private volatile String stopReason;
    private Runnable eachRound = () -> { };

    public InboxPump(InboxCursor cursor, Handoff handoff) {
        this(cursor, handoff, ROUND);
    }

    public InboxPump(InboxCursor cursor, Handoff handoff, Duration round) {
        this.cursor = cursor;
        this.handoff = handoff;
        this.round = round;
    }

    public String agentId() {
        return cursor.agentId();
    }

    /** Runs {@code action} after every round (the agent is connected: a sign of life); returns this pump. */
    public InboxPump eachRound(Runnable action) {
        this.eachRound = action;
        return this;
    }

    /** Ends the pump after the current round; safe from any thread. */
    public void stop(String reason) {
        stopReason = reason;
        stopped = true;
        cursor.wakeup();
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            while (!stopped && !Thread.currentThread().isInterrupted()) {
                if (!handoff.awaitDemand(round)) {
                    handoff.afterRound(cursor);
                    eachRound.run();
                    continue;
                }
                InboxCursor.Batch batch = cursor.poll(round);
                boolean more = batch.isEmpty() ? handoff.idle() : handoff.hand(batch);
                handoff.afterRound(cursor);
                eachRound.run();
                if (!more) {
                    break;
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();
            failure = new InterruptedException("the pump's thread was interrupted (shutdown)");
        } catch (Exception e) {
            failure = e;
        } finally {
            try {
                handoff.ended(cursor, stopReason, failure);
            } finally {
                cursor.close();
            }
        }
    }
}
