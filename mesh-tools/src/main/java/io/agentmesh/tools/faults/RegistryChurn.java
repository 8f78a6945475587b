package io.agentmesh.tools.faults;

import io.agentmesh.tools.harness.MeshHttp;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Agents coming and going while a fault runs: one thread registers a new agent (capability
 * {@code churn}) every {@code every}, and between registrations looks one up by id and lists the
 * capability, writing down every answer. Afterwards {@link #missing()} looks up every agent whose
 * registration was answered 201: a registration the mesh confirmed must not be lost.
 */
final class RegistryChurn implements AutoCloseable {

    /** One registry call: what, when (epoch ms), how long its answer took, and the answer ("201", "503 CODE", "no answer: …"). */
    record Call(String kind, long startedMillis, long tookMillis, String answer) {
    }

    private final MeshHttp http;
    private final long everyMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Call> calls = new ArrayList<>();
    private final List<String> registered = new ArrayList<>();
    private final Thread thread;

    RegistryChurn(String restUrl, Duration every) {
        this.http = new MeshHttp(restUrl, Duration.ofSeconds(Scenarios.ANSWER_BOUND_MS / 1000 + 5));
        this.everyMillis = every.toMillis();
        thread = new Thread(this::loop, "registry-churn");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        for (int n = 0; running.get(); n++) {
            String id = "churn-" + n;
            String answer = call("register", () -> http.post("/api/v1/agents",
                    "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"capabilities\":[\"churn\"]}"));
            if (answer.equals("201")) {
                synchronized (this) {
                    registered.add(id);
                }
            }
            String known = someRegistered();
            if (known != null) {
                call("lookup", () -> http.get("/api/v1/agents/" + known));
            }
            call("discover", () -> http.get("/api/v1/agents?capability=churn&limit=10"));
            try {
                Thread.sleep(everyMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private interface Request {
        MeshHttp.Reply send() throws IOException, InterruptedException;
    }

    private String call(String kind, Request request) {
        long started = System.currentTimeMillis();
        String answer;
        try {
            MeshHttp.Reply r = request.send();
            answer = r.status() < 300 ? Integer.toString(r.status()) : r.status() + " " + code(r);
        } catch (IOException e) {
            answer = "no answer: " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = "interrupted";
        }
        synchronized (this) {
            calls.add(new Call(kind, started, System.currentTimeMillis() - started, answer));
        }
        return answer;
    }

    private synchronized String someRegistered() {
        return registered.isEmpty() ? null : registered.get(ThreadLocalRandom.current().nextInt(registered.size()));
    }

    private static String code(MeshHttp.Reply r) {
        try {
            return r.json().path("code").asText("?");
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /** The calls started in [from, to). */
    synchronized List<Call> between(long from, long to) {
        return calls.stream().filter(c -> c.startedMillis() >= from && c.startedMillis() < to).toList();
    }

    /** Counts of the answers to calls of {@code kind} started in [from, to), and the slowest. */
    String answers(String kind, long from, long to) {
        Map<String, Long> by = new TreeMap<>();
        List<Call> of = between(from, to).stream().filter(c -> c.kind().equals(kind)).toList();
        of.forEach(c -> by.merge(c.answer(), 1L, Long::sum));
        return kind + ": " + of.size() + " " + by + ", slowest " + of.stream().mapToLong(Call::tookMillis).max().orElse(0) + " ms";
    }

    synchronized int registeredCount() {
        return registered.size();
    }

    /** Every agent whose registration was answered 201 and that a lookup by id does not find now. */
    List<String> missing() throws IOException, InterruptedException {
        List<String> all;
        synchronized (this) {
            all = List.copyOf(registered);
        }
        List<String> missing = new ArrayList<>();
        for (String id : all) {
            if (http.get("/api/v1/agents/" + id).status() != 200) {
                missing.add(id);
            }
        }
        return missing;
    }

    @Override
    public void close() throws InterruptedException {
        // no interrupt: a registration in flight must get its answer written down
        running.set(false);
        thread.join(60_000);
    }
}
