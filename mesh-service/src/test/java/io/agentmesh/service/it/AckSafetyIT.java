package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.proto.v1.AckRequest;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The acknowledged position: never beyond what the agent was given (unless it asks to skip), never
 * backwards, and one delivering reader kind at a time (Connect, or the readers that ack by position).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AckSafetyIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
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

    private static String agent(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"A\"}").status()).isEqualTo(201);
        return id;
    }

    private static void send(String to, int n) {
        for (int i = 0; i < n; i++) {
            Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + to + "\",\"key\":\"k\",\"payload\":{\"n\":" + i + "}}");
            assertThat(r.status()).as(r.body()).isEqualTo(202);
        }
    }

    private static Http.Reply ack(String agent, long offset, String extra) {
        return Http.post(MESH.url("/api/v1/agents/" + agent + "/messages/ack"),
                "{\"offsets\":{\"0\":" + offset + "}" + extra + "}");
    }

    @Test
    void anAckBeyondWhatWasDeliveredIsRefusedUnlessTheAgentSkipsOnPurpose() {
        String b = agent("acker");
        send(b, 3);
        JsonNode first = Http.get(MESH.url("/api/v1/agents/" + b + "/messages?max=1&wait=10")).json();
        assertThat(first.path("messages")).hasSize(1);
        long given = first.path("ack").path("0").asLong();
        // the other two are in the inbox (same key: after the first), not handed out
        await().atMost(30, SECONDS).until(() -> !ack(b, given + 1, "").body().contains("beyond the end"));

        // one past what was given: the next message, never handed out
        Http.Reply beyond = ack(b, given + 1, "");
        assertThat(beyond.status()).as(beyond.body()).isEqualTo(400);
        assertThat(beyond.json().path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(beyond.json().path("details").path("delivered").asLong()).isEqualTo(given);
        assertThat(beyond.json().path("details").path("partition").asInt()).isZero();
        assertThat(beyond.json().path("message").asText()).contains("skip");
        StatusRuntimeException viaGrpc = catchThrowableOfType(StatusRuntimeException.class, () -> grpc.blocking()
                .ack(AckRequest.newBuilder().setAgentId(b).putOffsets(0, given + 1).build()));
        assertThat(viaGrpc.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

        // what was given is fine; so is going past it on purpose
        Http.Reply ok = ack(b, given, "");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        Http.Reply skipped = ack(b, given + 1, ",\"skip\":true");
        assertThat(skipped.status()).as(skipped.body()).isEqualTo(200);
        assertThat(skipped.json().path("committed").path("0").asLong()).isEqualTo(given + 1);

        // and an older position never moves it back
        Http.Reply older = ack(b, given, "");
        assertThat(older.status()).as(older.body()).isEqualTo(200);
        assertThat(older.json().path("committed").path("0").asLong()).isEqualTo(given + 1);
        assertThat(ack(b, given, ",\"skip\":\"yes\"").status()).isEqualTo(400);
    }

    @Test
    void connectAndTheStreamsThatAckByPositionExcludeEachOther() throws Exception {
        String a = agent("excl");
        String url = MESH.url("/api/v1/agents/" + a + "/stream");
        try (SseClient sse = new SseClient(url, null)) {
            assertThat(sse.status).isEqualTo(200);
            GrpcClient.Connection refused = grpc.connect(a, 1);
            await().atMost(15, SECONDS).until(() -> refused.error.get() != null);
            assertThat(Status.fromThrowable(refused.error.get()).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(Status.fromThrowable(refused.error.get()).getDescription()).contains("event or Subscribe stream");
        }
        // once the event stream is gone (the server notices at its next write), Connect may open
        GrpcClient.Connection connected = grpc.connectOnceFree(a, 1, java.time.Duration.ofSeconds(40));
        try (SseClient second = new SseClient(url, null)) {
            assertThat(second.status).isEqualTo(409);
        }
        connected.cancel();
    }
}
