package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.RequestRequest;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.service.grpc.GrpcErrors;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Request/reply where the request enters through one node and the reply through another. */
@ExtendWith(DropwizardExtensionsSupport.class)
class RequestReplyIT {

    static final MeshApp NODE1 = MeshApp.onSharedBroker();
    static final MeshApp NODE2 = NODE1.secondNode();
    static final DropwizardAppExtension<MeshConfiguration> APP1 = NODE1.extension();
    static final DropwizardAppExtension<MeshConfiguration> APP2 = NODE2.extension();

    private static String register(MeshApp node, String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        Http.Reply r = Http.post(node.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"" + prefix + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return id;
    }

    /** The responder: long-polls its inbox on node 2 and answers each request through node 2. */
    private static void answerOnce(String responder, String answer) {
        await().atMost(30, SECONDS).until(() ->
                !Http.get(NODE2.url("/api/v1/agents/" + responder + "/messages?wait=2")).json().path("messages").isEmpty());
        Http.Reply got = Http.get(NODE2.url("/api/v1/agents/" + responder + "/messages?max=1"));
        JsonNode request = got.json().path("messages").get(0);
        assertThat(request.path("attributes").path("replyto").asText()).startsWith("agent:");
        String requester = request.path("attributes").path("replyto").asText().substring("agent:".length());
        Http.Reply sent = Http.post(NODE2.url("/api/v1/messages"), "{\"to\":\"" + requester + "\",\"from\":\"" + responder
                + "\",\"correlation_id\":\"" + request.path("correlation_id").asText() + "\",\"payload\":" + answer + "}");
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        Http.post(NODE2.url("/api/v1/agents/" + responder + "/messages/ack"), "{\"offsets\":" + got.json().path("ack") + "}");
    }

    @Test
    void theReplyComesBackThroughTheOtherNode() throws Exception {
        String requester = register(NODE1, "asker");
        String responder = register(NODE2, "answerer");

        CompletableFuture<Http.Reply> call = CompletableFuture.supplyAsync(() -> Http.post(NODE1.url("/api/v1/requests"),
                "{\"to\":\"" + responder + "\",\"from\":\"" + requester + "\",\"payload\":{\"q\":\"2+2\"},\"timeout_ms\":30000}"));
        answerOnce(responder, "{\"a\":4}");

        Http.Reply reply = call.get(40, TimeUnit.SECONDS);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().path("reply").path("payload").path("a").asInt()).isEqualTo(4);
        assertThat(reply.json().path("reply").path("from").asText()).isEqualTo(responder);
        assertThat(reply.json().path("correlation_id").asText()).isEqualTo(reply.json().path("reply").path("correlation_id").asText());
    }

    @Test
    void grpcRequestGetsTheReplyToo() throws Exception {
        String requester = register(NODE1, "grpc-asker");
        String responder = register(NODE2, "grpc-answerer");
        try (GrpcClient grpc = new GrpcClient(NODE1.grpcPort())) {
            var call = CompletableFuture.supplyAsync(() -> grpc.blocking().request(RequestRequest.newBuilder()
                    .setMessage(SendRequest.newBuilder().setTo(responder).setFrom(requester)
                            .setPayload(ByteString.copyFromUtf8("{\"q\":1}")))
                    .setTimeoutMs(30_000).build()));
            answerOnce(responder, "{\"a\":1}");
            var reply = call.get(40, TimeUnit.SECONDS);
            assertThat(reply.getReply().getPayload().toStringUtf8()).isEqualTo("{\"a\":1}");
            assertThat(reply.getReply().getCorrelationId()).isEqualTo(reply.getCorrelationId());

            assertThatThrownBy(() -> grpc.blocking().request(RequestRequest.newBuilder()
                    .setMessage(SendRequest.newBuilder().setTo(responder).setFrom(requester)
                            .setPayload(ByteString.copyFromUtf8("{}")))
                    .setTimeoutMs(500).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                        assertThat(e.getTrailers().get(GrpcErrors.ERROR_CODE)).isEqualTo("REQUEST_TIMEOUT");
                    });
        }
    }

    @Test
    void aTimeoutIs504AndTheLateReplyStaysReadable() {
        String requester = register(NODE1, "impatient");
        String responder = register(NODE2, "slow");

        Http.Reply timedOut = Http.post(NODE1.url("/api/v1/requests"),
                "{\"to\":\"" + responder + "\",\"from\":\"" + requester + "\",\"payload\":{},\"timeout_ms\":1000}");
        assertThat(timedOut.status()).as(timedOut.body()).isEqualTo(504);
        assertThat(timedOut.json().path("code").asText()).isEqualTo("REQUEST_TIMEOUT");
        String correlation = timedOut.json().path("details").path("correlation_id").asText();
        assertThat(correlation).isNotBlank();

        answerOnce(responder, "{\"late\":true}");
        await().atMost(30, SECONDS).until(() -> {
            JsonNode messages = Http.get(NODE1.url("/api/v1/agents/" + requester + "/messages?wait=2")).json().path("messages");
            return messages.size() == 1 && messages.get(0).path("correlation_id").asText().equals(correlation)
                    && messages.get(0).path("payload").path("late").asBoolean();
        });
    }

    @Test
    void aResentRequestIsDeliveredOnceAndGetsTheReplyToItsFirstSend() {
        String requester = register(NODE1, "retrier");
        String responder = register(NODE2, "once");
        String requestId = "req-" + UUID.randomUUID();
        String body = "{\"to\":\"" + responder + "\",\"from\":\"" + requester + "\",\"id\":\"" + requestId
                + "\",\"payload\":{\"q\":\"once\"},\"timeout_ms\":";

        Http.Reply timedOut = Http.post(NODE1.url("/api/v1/requests"), body + "1000}");
        assertThat(timedOut.status()).as(timedOut.body()).isEqualTo(504);
        answerOnce(responder, "{\"a\":\"first\"}");

        // the client retries the same request, through the other node
        Http.Reply retried = Http.post(NODE2.url("/api/v1/requests"), body + "20000}");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("reply").path("payload").path("a").asText()).isEqualTo("first");
        assertThat(retried.json().path("correlation_id").asText())
                .isEqualTo(timedOut.json().path("details").path("correlation_id").asText());
        // the responder was asked once
        Http.Reply more = Http.get(NODE2.url("/api/v1/agents/" + responder + "/messages?wait=3"));
        assertThat(more.json().path("messages")).as(more.body()).isEmpty();
    }

    @Test
    void badRequestsAreRefused() {
        String requester = register(NODE1, "asker");
        for (String[] c : new String[][]{
                {"{\"to\":\"" + requester + "\",\"payload\":{}}", "400"},
                {"{\"to\":\"" + requester + "\",\"from\":\"nobody-here\",\"payload\":{}}", "404"},
                {"{\"to\":\"" + requester + "\",\"from\":\"" + requester + "\",\"payload\":{},\"timeout_ms\":0}", "400"},
                {"{\"to\":\"" + requester + "\",\"from\":\"" + requester + "\",\"payload\":{},\"timeout_ms\":999999}", "400"},
                {"{\"to\":\"nobody-there\",\"from\":\"" + requester + "\",\"payload\":{}}", "404"},
                {"{\"to\":\"" + requester + "\",\"from\":\"" + requester + "\",\"payload\":{},\"timeout_ms\":\"soon\"}", "400"},
                {"{\"to\":\"" + requester + "\",\"from\":\"" + requester + "\",\"payload\":{},\"prio\":1}", "400"},
                {"[1,2]", "400"}}) {
            Http.Reply r = Http.post(NODE1.url("/api/v1/requests"), c[0]);
            assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(Integer.parseInt(c[1]));
        }
    }
}
