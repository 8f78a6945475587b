package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drain under steady load: every message accepted before (and while) the drain started reaches the
 * agent — through the draining node's stream or, handed back, through another node — sends after
 * it get 503 with Retry-After, gRPC health says NOT_SERVING, and connections/active reaches 0.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DrainIT {

    static final MeshApp NODE1 = MeshApp.onSharedBroker(MeshApp.set("messages.drainGrace", "3s"));
    static final MeshApp NODE2 = NODE1.secondNode();
    static final DropwizardAppExtension<MeshConfiguration> APP1 = NODE1.extension();
    static final DropwizardAppExtension<MeshConfiguration> APP2 = NODE2.extension();

    /** Acks everything a Connect stream receives, as a well-behaved agent does. */
    private static Thread autoAck(GrpcClient.Connection c, AtomicBoolean running) {
        Thread t = new Thread(() -> {
            int acked = 0;
            while (running.get() && c.error.get() == null && !c.completed) {
                List<Delivery> got = new ArrayList<>(c.received);
                if (got.size() > acked) {
                    try {
                        c.ack(got.subList(acked, got.size()).stream().map(Delivery::getDeliveryId).toList());
                        c.credit(got.size() - acked);
                    } catch (RuntimeException e) {
                        return;
                    }
                    acked = got.size();
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "auto-ack");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void drainingLosesNothingRefusesNewWorkAndEndsWithZeroConnections() throws Exception {
        String agent = "drained-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(NODE1.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"D\"}").status()).isEqualTo(201);
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> accepted = new CopyOnWriteArrayList<>();
        List<Integer> refusedStatus = new CopyOnWriteArrayList<>();
        List<String> retryAfter = new CopyOnWriteArrayList<>();
        AtomicBoolean drainStarted = new AtomicBoolean(false);
        List<String> acceptedAfterDrainAnswered = new CopyOnWriteArrayList<>();

        try (GrpcClient grpc1 = new GrpcClient(NODE1.grpcPort()); GrpcClient grpc2 = new GrpcClient(NODE2.grpcPort())) {
            GrpcClient.Connection stream1 = grpc1.connect(agent, 16);
            autoAck(stream1, running);
            Thread load = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    String id = agent + "-" + i++;
                    boolean startedAfterDrain = drainStarted.get();
                    Http.Reply r = Http.post(NODE1.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"id\":\"" + id
                            + "\",\"payload\":{}}");
                    if (r.status() == 202) {
                        accepted.add(id);
                        if (startedAfterDrain) {
                            acceptedAfterDrainAnswered.add(id);
                        }
                    } else {
                        refusedStatus.add(r.status());
                        r.raw().headers().firstValue("Retry-After").ifPresent(retryAfter::add);
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "load");
            load.start();
            await().atMost(30, SECONDS).until(() -> stream1.received.size() >= 20);

            Http.Reply drain = Http.post(NODE1.url("/api/v1/drain"), "");
            drainStarted.set(true);
            assertThat(drain.status()).as(drain.body()).isEqualTo(200);
            assertThat(drain.json().path("draining").asBoolean()).isTrue();

            await().atMost(10, SECONDS).until(() -> !refusedStatus.isEmpty());
            running.set(false);
            load.join();
            assertThat(refusedStatus).containsOnly(503);
            assertThat(retryAfter).isNotEmpty().containsOnly("5");
            assertThat(acceptedAfterDrainAnswered).as("no send started after the drain answered was accepted").isEmpty();
            Http.Reply late = Http.post(NODE1.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"payload\":{}}");
            assertThat(late.status()).isEqualTo(503);
            assertThat(late.code()).isEqualTo("DRAINING");

            HealthCheckResponse.ServingStatus grpcHealth = HealthGrpc.newBlockingStub(grpc1.channel())
                    .check(HealthCheckRequest.newBuilder().setService("").build()).getStatus();
            assertThat(grpcHealth).isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
            JsonNode health = Http.get(NODE1.url("/health")).json();
            assertThat(health.path("status").asText()).isEqualTo("draining");
            assertThat(Http.get(NODE1.url("/health")).status()).isEqualTo(503);
            // new readers go elsewhere
            assertThat(Http.get(NODE1.url("/api/v1/agents/" + agent + "/stream")).status()).isEqualTo(503);

            // the runbook's loop ends: the stream is wound down once its deliveries are acked
            await().atMost(30, SECONDS).until(() -> Http.get(NODE1.url("/api/v1/connections/active")).json()
                    .path("count").asInt() == 0);
            await().atMost(10, SECONDS).until(() -> stream1.error.get() != null);
            assertThat(Status.fromThrowable(stream1.error.get()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);

            // the agent reconnects to another node (once node 1 has let go of its inbox) and gets the rest
            await().atMost(30, SECONDS).until(() -> !Http.get(NODE1.url("/api/v1/grpc/connections")).json()
                    .path("agents").has(agent));
            GrpcClient.Connection stream2 = grpc2.connect(agent, 16);
            AtomicBoolean running2 = new AtomicBoolean(true);
            autoAck(stream2, running2);
            Set<String> got = new HashSet<>();
            await().atMost(60, SECONDS).until(() -> {
                got.clear();
                stream1.received.forEach(d -> got.add(d.getMessage().getId()));
                stream2.received.forEach(d -> got.add(d.getMessage().getId()));
                return got.containsAll(accepted);
            });
            running2.set(false);
            assertThat(accepted).hasSizeGreaterThan(20);
            // a message seen twice was handed back unacked (attempt > 1 on its second delivery) — never acked twice
            List<String> second = stream2.received.stream().map(d -> d.getMessage().getId()).toList();
            assertThat(second).doesNotHaveDuplicates();

            // draining can be undone
            assertThat(Http.delete(NODE1.url("/api/v1/drain")).json().path("draining").asBoolean()).isFalse();
            assertThat(Http.get(NODE1.url("/health")).status()).isEqualTo(200);
        }
    }
}
