package io.agentmesh.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.proto.v1.Acknowledge;
import io.agentmesh.proto.v1.ConnectRequest;
import io.agentmesh.proto.v1.Credit;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.proto.v1.InboxMessage;
import io.agentmesh.proto.v1.OpenStream;
import io.agentmesh.proto.v1.SubscribeRequest;
import io.agentmesh.tools.harness.MeshHttp;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What an agent sees: open-loop gRPC sends to one agent, timed from the intended send to the
 * moment the agent's handler has the message, through each way an agent takes its messages —
 * gRPC {@code Connect} acking every delivery, gRPC {@code Subscribe}, REST long-poll acking each
 * batch, and server-sent events. A fresh agent per path; 2 s of the same sends first (not counted).
 */
final class DeliveryBench {

    static final List<String> PATHS = List.of("Connect (ack each)", "Subscribe", "long-poll (ack each batch)", "SSE");

    private final BenchTarget target;
    private final int payloadBytes;

    DeliveryBench(BenchTarget target, int payloadBytes) {
        this.target = target;
        this.payloadBytes = payloadBytes;
    }

    List<BenchResults.Delivery> run(double rate, long millis) throws Exception {
        List<BenchResults.Delivery> out = new ArrayList<>();
        for (String path : PATHS) {
            String agent = "dlv-" + PATHS.indexOf(path) + "-" + UUID.randomUUID().toString().substring(0, 8);
            target.register(agent, "bench");
            Handler handler = new Handler();
            try (AutoCloseable reader = open(path, agent, handler)) {
                Thread.sleep(500);
                OpenLoop.Result warm = OpenLoop.run((seq, payload) -> target.sendGrpc("bench-sender", "agent:" + agent, payload),
                        rate, Math.min(2000, millis), payloadBytes);
                if (!handler.await(warm.offered() - warm.failed(), 60_000)) {
                    // late warm-up messages would be counted as measured ones
                    throw new IllegalStateException(path + ": the warm-up's messages did not all reach the agent in 60 s");
                }
                handler.reset();
                OpenLoop.Result run = OpenLoop.run((seq, payload) -> target.sendGrpc("bench-sender", "agent:" + agent, payload),
                        rate, millis, payloadBytes);
                handler.await(run.offered() - run.failed(), 60_000);
                out.add(handler.result(path, rate, run));
            }
        }
        return out;
    }

    private AutoCloseable open(String path, String agent, Handler handler) throws Exception {
        return switch (PATHS.indexOf(path)) {
            case 0 -> connect(agent, handler);
            case 1 -> subscribe(agent, handler);
            case 2 -> longPoll(agent, handler);
            default -> sse(agent, handler);
        };
    }

    /** A Connect stream with credit 256 that acks every delivery as it is handled and grants one more credit for it. */
    private AutoCloseable connect(String agent, Handler handler) {
        @SuppressWarnings("unchecked")
        StreamObserver<ConnectRequest>[] requests = new StreamObserver[1];
        Object lock = new Object();
        boolean[] closed = {false};
        requests[0] = target.async().connect(new StreamObserver<>() {
            @Override
            public void onNext(Delivery d) {
                handler.handled(d.getMessage().getPayload().toByteArray());
                synchronized (lock) {
                    if (closed[0]) {
                        return;
                    }
                    requests[0].onNext(ConnectRequest.newBuilder()
                            .setAck(Acknowledge.newBuilder().addDeliveryIds(d.getDeliveryId())).build());
                    requests[0].onNext(ConnectRequest.newBuilder().setCredit(Credit.newBuilder().setCredit(1)).build());
                }
            }

            @Override
            public void onError(Throwable t) {
                handler.failed(t);
            }

            @Override
            public void onCompleted() {
                // the bench ends the stream
            }
        });
        synchronized (lock) {
            requests[0].onNext(ConnectRequest.newBuilder().setOpen(OpenStream.newBuilder().setAgentId(agent).setCredit(256)).build());
        }
        return () -> {
            synchronized (lock) {
                closed[0] = true;
                requests[0].onCompleted();
            }
        };
    }

    private AutoCloseable subscribe(String agent, Handler handler) {
        Context.CancellableContext call = Context.current().withCancellation();
        call.run(() -> target.async().subscribe(SubscribeRequest.newBuilder().setAgentId(agent).build(), new StreamObserver<>() {
            @Override
            public void onNext(InboxMessage m) {
                handler.handled(m.getPayload().toByteArray());
            }

            @Override
            public void onError(Throwable t) {
                if (!call.isCancelled()) {
                    handler.failed(t);
                }
            }

            @Override
            public void onCompleted() {
                // the bench ends the stream
            }
        }));
        return () -> call.cancel(null);
    }

    /** Long-polls (max 100, wait 5 s) on a thread of its own and acks each batch before the next poll. */
    private AutoCloseable longPoll(String agent, Handler handler) {
        MeshHttp http = new MeshHttp(target.restUrl(), Duration.ofSeconds(30));
        Thread poller = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    MeshHttp.Reply r = http.get("/api/v1/agents/" + agent + "/messages?max=100&wait=5");
                    if (r.status() != 200) {
                        throw new IllegalStateException("long-poll: " + r.status() + " " + r.body());
                    }
                    JsonNode body = r.json();
                    for (JsonNode m : body.path("messages")) {
                        handler.handled(m.path("payload"));
                    }
                    if (body.path("messages").size() > 0) {
                        MeshHttp.Reply ack = http.post("/api/v1/agents/" + agent + "/messages/ack",
                                "{\"offsets\":" + body.path("ack") + "}");
                        if (ack.status() != 200) {
                            throw new IllegalStateException("ack: " + ack.status() + " " + ack.body());
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (!Thread.currentThread().isInterrupted()) {
                        handler.failed(e);
                    }
                    return;
                }
            }
        }, "bench-long-poll");
        poller.setDaemon(true);
        poller.start();
        return () -> {
            poller.interrupt();
            poller.join(10_000);
        };
    }

    /** Reads {@code GET /api/v1/agents/{id}/stream} line by line on a thread of its own. */
    private AutoCloseable sse(String agent, Handler handler) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                        URI.create(target.restUrl() + "/api/v1/agents/" + agent + "/stream"))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("SSE stream: " + response.statusCode());
        }
        InputStream body = response.body();
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            String event = "message";
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:") && event.equals("message")) {
                        handler.handled(MeshHttp.mapper().readTree(line.substring(5).trim()).path("payload"));
                    } else if (line.isEmpty()) {
                        event = "message";
                    }
                }
                if (!closing.get()) {
                    handler.failed(new IllegalStateException("the server ended the event stream"));
                }
            } catch (Exception e) {
                if (!closing.get()) {
                    handler.failed(e);
                }
            }
        }, "bench-sse");
        reader.setDaemon(true);
        reader.start();
        return () -> {
            closing.set(true);
            body.close();
            reader.join(10_000);
        };
    }

    /** The agent's handler: the time from each message's intended send to now. */
    private static final class Handler {

        private final Histogram micros = new Histogram(3_600_000_000L, 3);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private long count;

        void handled(byte[] payload) {
            record(Payloads.intendedNanos(payload));
        }

        void handled(JsonNode payload) {
            record(payload.path("t").asLong(-1));
        }

        private synchronized void record(long intended) {
            if (intended > 0) {
                micros.recordValue(Math.max(0, (System.nanoTime() - intended) / 1000));
            }
            count++;
            notifyAll();
        }

        void failed(Throwable t) {
            failure.compareAndSet(null, t);
            synchronized (this) {
                notifyAll();
            }
        }

        /** Waits until {@code n} are handled; false on timeout (the result then says how many were). */
        synchronized boolean await(long n, long timeoutMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (count < n && failure.get() == null && System.currentTimeMillis() < deadline) {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
            if (failure.get() != null) {
                throw new IllegalStateException("the agent's reader failed", failure.get());
            }
            return count >= n;
        }

        synchronized void reset() {
            micros.reset();
            count = 0;
        }

        synchronized BenchResults.Delivery result(String path, double rate, OpenLoop.Result run) {
            return new BenchResults.Delivery(path, rate, run.offered(), count, run.failed(),
                    BenchResults.Latency.percentile(micros, 50), BenchResults.Latency.percentile(micros, 99),
                    micros.getMaxValue() / 1000.0);
        }
    }
}
