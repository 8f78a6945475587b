package io.agentmesh.tools.faults;

import io.agentmesh.tools.harness.MeshHttp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Senders that each send numbered messages to one target over REST, one at a time at a steady
 * pace, and write every attempt's outcome to the ledger. Ids are {@code <sender>-<seq>} and the
 * key is the sender, so the order of each (sender, target) stream is defined. As a real client
 * would, a sender that does not learn what became of a send (no answer in time, the connection
 * lost, 503 with {@code outcome: unknown}) sends it again with the same id, up to
 * {@link #RESENDS} times; the router's dedupe must keep the inbox at one copy.
 */
public final class LoadGenerator implements AutoCloseable {

    static final int RESENDS = 3;
    private static final long RESEND_PAUSE_MS = 200;

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    /**
     * Sender {@code i} sends to {@code targets[i % targets]} through node {@code i % restUrls} and,
     * when that node does not take connections, through the next.
     */
    public LoadGenerator(List<String> restUrls, List<String> senders, List<String> targets, double ratePerSender,
                         Duration answerTimeout, Ledger ledger) {
        List<MeshHttp> nodes = restUrls.stream().map(u -> new MeshHttp(u, answerTimeout)).toList();
        for (int i = 0; i < senders.size(); i++) {
            String sender = senders.get(i);
            String target = targets.get(i % targets.size());
            int first = i;
            Thread t = new Thread(() -> send(nodes, first, sender, target, (long) (1000 / ratePerSender), ledger),
                    "load-" + sender);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void send(List<MeshHttp> nodes, int first, String sender, String target, long pauseMillis, Ledger ledger) {
        int node = first;
        for (long seq = 0; running.get(); seq++) {
            long took = 0;
            boolean unknown = false;
            for (int tries = 0; ; tries++) {
                Attempt a = sendOnce(nodes.get(node % nodes.size()), sender, target, seq, ledger);
                if (a == null) {
                    return;
                }
                took += a.tookMillis();
                if (a.outcome() == Outcome.FAILED && a.detail().equals("not connected")) {
                    node++;
                    sleep(100);
                }
                unknown |= a.outcome() == Outcome.UNKNOWN;
                // after an unknown outcome the client keeps trying (on the next node when this one is gone)
                boolean again = a.outcome() == Outcome.UNKNOWN || (unknown && a.detail().equals("not connected"));
                if (!again || tries >= RESENDS || !running.get()) {
                    break;
                }
                sleep(RESEND_PAUSE_MS);
            }
            sleep(Math.max(0, pauseMillis - took));
        }
    }

    /** One try of message {@code seq}, written to the ledger; null when the thread was interrupted. */
    private Attempt sendOnce(MeshHttp http, String sender, String target, long seq, Ledger ledger) {
        {
            String id = sender + "-" + seq;
            long started = System.currentTimeMillis();
            Outcome outcome;
            String detail;
            try {
                MeshHttp.Reply r = http.post("/api/v1/messages", "{\"to\":\"agent:" + target + "\",\"from\":\"" + sender
                        + "\",\"id\":\"" + id + "\",\"key\":\"" + sender + "\",\"payload\":{\"sender\":\"" + sender
                        + "\",\"seq\":" + seq + "}}");
                if (r.status() == 202) {
                    outcome = Outcome.OK;
                    detail = "202";
                } else if (r.status() == 503 && "unknown".equals(outcome(r))) {
                    // the mesh says Kafka did not confirm in time: the message may still land
                    outcome = Outcome.UNKNOWN;
                    detail = "503 " + code(r) + " outcome unknown";
                } else {
                    outcome = Outcome.FAILED;
                    detail = r.status() + " " + code(r);
                }
            } catch (HttpConnectTimeoutException | ConnectException e) {
                outcome = Outcome.FAILED;
                detail = "not connected";
            } catch (HttpTimeoutException e) {
                outcome = Outcome.UNKNOWN;
                detail = "no answer in time";
            } catch (IOException e) {
                outcome = connectFailure(e) ? Outcome.FAILED : Outcome.UNKNOWN;
                detail = outcome == Outcome.FAILED ? "not connected" : "connection lost: " + e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            Attempt a = new Attempt(id, sender, target, seq, outcome, detail, started, System.currentTimeMillis() - started);
            ledger.attempted(a);
            return a;
        }
    }

    private static boolean connectFailure(IOException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static String outcome(MeshHttp.Reply r) {
        try {
            return r.json().path("details").path("outcome").asText("");
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String code(MeshHttp.Reply r) {
        try {
            return r.json().path("code").asText("?");
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops sending and waits for the last attempts to be answered and written down. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(60_000);
        }
    }
}
