package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.proto.v1.ConnectRequest;
import io.agentmesh.proto.v1.Credit;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** gRPC Connect: credit, acks by delivery id, redelivery in order after a disconnect, sharing, bounds. */
@ExtendWith(DropwizardExtensionsSupport.class)
class StreamDeliveryIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(MeshApp.set("messages.maxCreditPerStream", "16"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static GrpcClient grpc;

    @BeforeAll
    static void setUp() {
        grpc = new GrpcClient(MESH.grpcPort());
    }

    @AfterAll
    static void tearDown() throws Exception {
        grpc.close();
    }

    private static String agent() {
        String id = "streamed-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"S\"}").status()).isEqualTo(201);
        return id;
    }

    private static List<String> send(String to, String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = prefix + "-" + i;
            Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + to + "\",\"id\":\"" + id
                    + "\",\"key\":\"k\",\"payload\":{\"n\":" + i + "}}");
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            ids.add(id);
        }
        return ids;
    }

    private static List<String> deliveryIds(List<Delivery> ds) {
        return ds.stream().map(Delivery::getDeliveryId).toList();
    }

    private static void awaitClosedSession(String agent) {
        await().atMost(15, SECONDS).until(() -> !Http.get(MESH.url("/api/v1/grpc/connections")).json()
                .path("agents").has(agent));
    }

    @Test
    void unackedMessagesComeAgainInOrderAfterADisconnectAndAckedOnesNever() throws Exception {
        String agent = agent();
        List<String> sent = send(agent, "m-" + agent, 10);

        GrpcClient.Connection first = grpc.connect(agent, 5);
        await().atMost(30, SECONDS).until(() -> first.received.size() == 5);
        Thread.sleep(300);
        assertThat(first.received).as("no more than the credit").hasSize(5);
        assertThat(first.ids()).containsExactlyElementsOf(sent.subList(0, 5));
        // ack #0 and #1 and, out of order, #3; then go away with #2 and #4 unacked
        first.ack(List.of(first.received.get(0).getDeliveryId(), first.received.get(1).getDeliveryId(),
                first.received.get(3).getDeliveryId()));
        Thread.sleep(300);
        first.cancel();
        awaitClosedSession(agent);

        GrpcClient.Connection second = grpc.connect(agent, 16);
        await().atMost(30, SECONDS).until(() -> second.received.size() == 7);
        List<String> expected = new ArrayList<>(List.of(sent.get(2), sent.get(4)));
        expected.addAll(sent.subList(5, 10));
        assertThat(second.ids()).as("unacked first, in order, acked ones never again").containsExactlyElementsOf(expected);
        second.ack(deliveryIds(second.received));
        Thread.sleep(300);
        second.cancel();
        awaitClosedSession(agent);

        GrpcClient.Connection third = grpc.connect(agent, 16);
        Thread.sleep(1500);
        assertThat(third.received).as("everything was acked").isEmpty();
        List<String> more = send(agent, "late-" + agent, 1);
        await().atMost(30, SECONDS).until(() -> third.ids().equals(more));
        third.ack(deliveryIds(third.received));
        third.send(ConnectRequest.newBuilder().setCredit(Credit.newBuilder().setCredit(1)).build());
        third.requests.onCompleted();
        await().atMost(10, SECONDS).until(() -> third.completed);
    }

    @Test
    void aLongPollAfterAStreamPassesOverWhatTheStreamAckedOutOfOrder() throws Exception {
        String agent = agent();
        List<String> sent = send(agent, "mixed-" + agent, 3);
        GrpcClient.Connection c = grpc.connect(agent, 3);
        await().atMost(30, SECONDS).until(() -> c.received.size() == 3);
        c.ack(List.of(c.received.get(1).getDeliveryId(), c.received.get(2).getDeliveryId()));
        Thread.sleep(300);
        c.cancel();
        awaitClosedSession(agent);
        Http.Reply polled = Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?wait=3"));
        assertThat(polled.ids()).containsExactly(sent.get(0));
    }

    @Test
    void streamsOfOneAgentShareItsInboxAndTheReadAheadIsBounded() throws Exception {
        String agent = agent();
        GrpcClient.Connection a = grpc.connect(agent, 16);
        GrpcClient.Connection b = grpc.connect(agent, 16);
        await().atMost(10, SECONDS).until(() -> Http.get(MESH.url("/api/v1/grpc/connections")).json()
                .path("streams").asInt() >= 2);
        List<String> sent = send(agent, "shared-" + agent, 20);
        await().atMost(30, SECONDS).until(() -> a.received.size() + b.received.size() == 20);
        assertThat(a.received).isNotEmpty();
        assertThat(b.received).isNotEmpty();
        List<String> all = new ArrayList<>(a.ids());
        all.addAll(b.ids());
        assertThat(new HashSet<>(all)).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(all).doesNotHaveDuplicates();
        a.ack(deliveryIds(a.received));
        b.ack(deliveryIds(b.received));

        // slow consumer: the 12 credits left are taken, no acks, 300 more messages: the server reads ahead at most 16
        send(agent, "flood-" + agent, 300);
        await().atMost(30, SECONDS).until(() -> a.received.size() + b.received.size() == 32);
        Thread.sleep(1000);
        JsonNode conns = Http.get(MESH.url("/api/v1/grpc/connections")).json();
        JsonNode session = conns.path("agents").path(agent);
        assertThat(session.path("buffered").asInt()).as("read ahead at most one stream's credit").isBetween(0, 16);
        assertThat(session.path("unacked").asInt()).isEqualTo(12);
        assertThat(a.received.size() + b.received.size()).as("never more than the credit").isEqualTo(32);
        assertThat(conns.path("connections").get(0).path("peer").asText()).contains("127.0.0.1");
        // more credit than the cap without acks: at most 4 x 16 unacked per agent
        for (int i = 0; i < 2; i++) {
            a.credit(16);
            b.credit(16);
        }
        await().atMost(30, SECONDS).until(() -> a.received.size() + b.received.size() == 20 + 64);
        Thread.sleep(1000);
        assertThat(a.received.size() + b.received.size()).isEqualTo(20 + 64);
        assertThat(Http.get(MESH.url("/api/v1/grpc/connections")).json().path("agents").path(agent)
                .path("unacked").asInt()).isEqualTo(64);

        // an operator reset ends both streams with UNAVAILABLE; nothing acked is lost
        JsonNode reset = Http.post(MESH.url("/api/v1/grpc/connections/reset"), "").json();
        assertThat(reset.path("reset_streams").asInt()).isGreaterThanOrEqualTo(2);
        await().atMost(10, SECONDS).until(() -> a.error.get() != null && b.error.get() != null);
        assertThat(Status.fromThrowable(a.error.get()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void badStreamsAreRefusedClearly() throws Exception {
        String agent = agent();
        GrpcClient.Connection unknown = grpc.connect("nobody-" + UUID.randomUUID().toString().substring(0, 6), 5);
        await().atMost(10, SECONDS).until(() -> unknown.error.get() != null);
        assertThat(Status.fromThrowable(unknown.error.get()).getCode()).isEqualTo(Status.Code.NOT_FOUND);

        for (int credit : new int[]{0, -1, 17}) {
            GrpcClient.Connection c = grpc.connect(agent, credit);
            await().atMost(10, SECONDS).until(() -> c.error.get() != null);
            assertThat(Status.fromThrowable(c.error.get()).getCode()).as("credit " + credit)
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
        }

        GrpcClient.Connection noOpen = new GrpcClient.Connection();
        noOpen.requests = io.agentmesh.proto.v1.MeshServiceGrpc.newStub(grpc.channel()).connect(noOpen);
        noOpen.credit(3);
        await().atMost(10, SECONDS).until(() -> noOpen.error.get() != null);
        assertThat(((StatusRuntimeException) noOpen.error.get()).getStatus().getDescription()).contains("open");

        send(agent, "bad-" + agent, 2);
        GrpcClient.Connection c = grpc.connect(agent, 1);
        await().atMost(30, SECONDS).until(() -> c.received.size() == 1);
        // while it is streamed, the REST long-poll and ack of that agent are refused (they would duplicate)
        assertThat(Http.get(MESH.url("/api/v1/agents/" + agent + "/messages")).status()).isEqualTo(409);
        c.ack(List.of("0-999"));
        await().atMost(10, SECONDS).until(() -> c.error.get() != null);
        assertThat(Status.fromThrowable(c.error.get()).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        awaitClosedSession(agent);
        // nothing was lost: both messages are still there for the next reader
        Http.Reply polled = Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?wait=5"));
        assertThat(polled.ids()).containsExactly("bad-" + agent + "-0", "bad-" + agent + "-1");
    }

    @Test
    void aRedeliveryAfterTheStreamIsGoneSaysItIsNotTheFirstAttempt() throws Exception {
        String agent = agent();
        List<String> sent = send(agent, "again-" + agent, 2);
        GrpcClient.Connection first = grpc.connect(agent, 2);
        await().atMost(30, SECONDS).until(() -> first.received.size() == 2);
        assertThat(first.received).extracting(Delivery::getAttempt).containsExactly(1, 1);
        first.ack(List.of(first.received.get(1).getDeliveryId()));
        Thread.sleep(300);
        first.cancel();
        awaitClosedSession(agent);

        GrpcClient.Connection second = grpc.connect(agent, 2);
        await().atMost(30, SECONDS).until(() -> !second.received.isEmpty());
        Thread.sleep(300);
        assertThat(second.ids()).containsExactly(sent.get(0));
        assertThat(second.received.get(0).getAttempt()).as("delivered once before, by a session that is gone")
                .isEqualTo(2);
        second.cancel();
        // a Connect ack is in the acked message's own log
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/messages/" + sent.get(1))).body()
                .contains("\"event\":\"acked\""));
        assertThat(Http.get(MESH.url("/api/v1/messages/" + sent.get(1))).body()).contains("\"via\":\"grpc-connect\"");
    }
}
