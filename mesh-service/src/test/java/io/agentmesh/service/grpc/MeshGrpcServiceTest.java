package io.agentmesh.service.grpc;

import com.codahale.metrics.MetricRegistry;
import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.AckRequest;
import io.agentmesh.proto.v1.ConnectRequest;
import io.agentmesh.proto.v1.Credit;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.proto.v1.InboxMessage;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.proto.v1.RegisterRequest;
import io.agentmesh.proto.v1.SendBatchRequest;
import io.agentmesh.proto.v1.SendBatchResponse;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.proto.v1.SendResponse;
import io.agentmesh.proto.v1.SendResult;
import io.agentmesh.proto.v1.SubscribeRequest;
import io.agentmesh.service.common.DrainControl;
import io.agentmesh.service.kafka.MessagePublisher;
import io.agentmesh.service.messaging.BatchSender;
import io.agentmesh.service.messaging.MessageService;
import io.agentmesh.service.messaging.MessageValidator;
import io.agentmesh.service.messaging.ResendPins;
import io.agentmesh.service.platform.MeshMetrics;
import io.agentmesh.streams.topics.MeshTopics;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.agentmesh.service.auth.Authenticator;
import io.agentmesh.service.config.LimitsSettings;
import io.agentmesh.service.limits.RateLimits;
import io.agentmesh.service.policy.SendPolicies;
import io.grpc.stub.StreamObserver;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The gRPC adapter's error mapping, in-process: every refusal is a gRPC status from the one error
 * table with the mesh's code in the {@code mesh-error-code} trailer (and {@code retry-after},
 * {@code mesh-outcome}, {@code mesh-message-id} where they apply). Requests that are refused
 * before any registry lookup need no database: the registry and inbox collaborators are absent here.
 */
class MeshGrpcServiceTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final DrainControl drain = new DrainControl();
    private Server server;
    private ManagedChannel channel;
    private MeshServiceGrpc.MeshServiceBlockingStub stub;
    private SendStreams sendStreams;

    @BeforeEach
    void start() throws Exception {
        MessageService messages = new MessageService(new MessageValidator(1024), null, new MessagePublisher(producer, java.time.Duration.ofSeconds(5)),
                new MeshTopics("mesh"), "node-1", Clock.systemUTC(), drain,
                new RateLimits(new LimitsSettings(), id -> java.util.Optional.empty(), new MetricRegistry()),
                new SendPolicies(null, id -> java.util.Optional.empty()),
                // no Redis behind this port: a send with its own id goes where its key says
                new ResendPins("redis://127.0.0.1:1", java.time.Duration.ofMillis(200), java.time.Duration.ofMinutes(10),
                        new MetricRegistry()));
        // open mode: every caller may call; the access rules themselves are tested against a real node (AuthIT)
        GrpcAccess access = new GrpcAccess(new Authenticator(false, null, null), null, null);
        BatchSender batches = new BatchSender(messages, drain, 10,
                new RateLimits(new LimitsSettings(), id -> java.util.Optional.empty(), new MetricRegistry()));
        MeshMetrics metrics = new MeshMetrics(new MetricRegistry());
        sendStreams = new SendStreams(drain, batches, metrics);
        MeshGrpcService service = new MeshGrpcService(access, null, null, null, messages, batches, sendStreams,
                null, null, null, null, null, metrics, 100, null, new com.fasterxml.jackson.databind.ObjectMapper());
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(service, access)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = MeshServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static String meshCode(StatusRuntimeException e) {
        return e.getTrailers() == null ? null : e.getTrailers().get(GrpcErrors.ERROR_CODE);
    }

    private static StatusRuntimeException refused(Runnable call) {
        return catchThrowableOfType(StatusRuntimeException.class, call::run);
    }

    private static SendRequest.Builder send() {
        return SendRequest.newBuilder().setTo("capability:write").setFrom("planner").setType("task.created")
                .setPayload(ByteString.copyFromUtf8("{\"task\":1}")).setContentType("application/json");
    }

    @Test
    void anAcceptedSendAnswersItsIdOnceKafkaHasTheRecord() {
        CompletableFuture<SendResponse> answer = CompletableFuture.supplyAsync(() -> stub.send(send().setId("m-1").build()));
        while (producer.history().isEmpty()) {
            Thread.onSpinWait();
        }
        assertThat(answer).isNotDone();

        producer.completeNext();

        SendResponse r = answer.join();
        assertThat(r.getId()).isEqualTo("m-1");
        assertThat(r.getTopic()).isEqualTo("mesh.ingress");
    }

    @Test
    void badSendsAreInvalidArgumentWithTheMeshCodeAndNothingIsWritten() {
        for (SendRequest bad : new SendRequest[]{
                send().clearTo().build(),
                send().setTo("nowhere:x").build(),
                // the same rules as REST: a payload, JSON when it says so, a real media type
                send().setPayload(ByteString.EMPTY).build(),
                send().setPayload(ByteString.copyFromUtf8("{not json")).build(),
                send().setContentType("not a type").build()}) {
            StatusRuntimeException e = refused(() -> stub.send(bad));
            assertThat(e.getStatus().getCode()).as(bad.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(meshCode(e)).as(bad.toString()).isNotBlank();
            assertThat(e.getStatus().getDescription()).isNotBlank();
        }
        StatusRuntimeException tooLarge = refused(() -> stub.send(send().setPayload(ByteString.copyFrom(new byte[2048])).build()));
        assertThat(tooLarge.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(meshCode(tooLarge)).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void kafkaFailingIsUnavailableAndSaysTheOutcomeAndTheId() {
        CompletableFuture<StatusRuntimeException> answer = CompletableFuture.supplyAsync(
                () -> refused(() -> stub.send(send().setId("m-2").build())));
        while (producer.history().isEmpty()) {
            Thread.onSpinWait();
        }
        producer.errorNext(new TimeoutException("no broker"));

        StatusRuntimeException e = answer.join();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(meshCode(e)).isEqualTo("KAFKA_UNAVAILABLE");
        assertThat(e.getTrailers().get(GrpcErrors.MESSAGE_ID)).isEqualTo("m-2");
        assertThat(e.getTrailers().get(GrpcErrors.OUTCOME)).isIn("unknown", "not_written");
    }

    @Test
    void aDrainingNodeRefusesSendsWithRetryAfter() {
        drain.start();

        StatusRuntimeException e = refused(() -> stub.send(send().build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(meshCode(e)).isEqualTo("DRAINING");
        assertThat(e.getTrailers().get(GrpcErrors.RETRY_AFTER)).isEqualTo("5");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aBatchAnswersEachMessageOnItsOwn() {
        SendBatchRequest batch = SendBatchRequest.newBuilder()
                .addMessages(send().setId("ok-1")).addMessages(send().setTo("bad target")).build();
        CompletableFuture<SendBatchResponse> answer = CompletableFuture.supplyAsync(() -> stub.sendBatch(batch));
        while (producer.history().isEmpty()) {
            Thread.onSpinWait();
        }
        producer.completeNext();

        SendBatchResponse r = answer.join();
        assertThat(r.getAccepted()).isEqualTo(1);
        assertThat(r.getRejected()).isEqualTo(1);
        assertThat(r.getResults(0).getId()).isEqualTo("ok-1");
        assertThat(r.getResults(1).getError().getHttpStatus()).isEqualTo(400);
        assertThat(r.getResults(1).getError().getCode()).isNotBlank();
    }

    /** A SendStream's results as they come and how it ended. */
    private static final class StreamAnswers implements StreamObserver<SendResult> {
        final java.util.List<SendResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<Status> end = new CompletableFuture<>();

        @Override
        public void onNext(SendResult r) {
            results.add(r);
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }
    }

    private static void awaitWritten(MockProducer<?, ?> producer, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (producer.history().size() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(producer.history()).hasSize(n);
    }

    @Test
    void aSendStreamAnswersInTheOrderSentEvenWhenALaterMessageIsDecidedFirst() throws Exception {
        StreamAnswers answers = new StreamAnswers();
        StreamObserver<SendRequest> stream = MeshServiceGrpc.newStub(channel).sendStream(answers);
        stream.onNext(send().setId("s-1").build());
        awaitWritten(producer, 1);
        // refused by validation at once, while the first still waits for Kafka
        stream.onNext(send().setTo("bad target").build());
        stream.onCompleted();
        Thread.sleep(200);
        assertThat(answers.results).as("nothing before the first message's answer").isEmpty();

        producer.completeNext();

        assertThat(answers.end.get(5, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        assertThat(answers.results).hasSize(2);
        assertThat(answers.results.get(0).getIndex()).isZero();
        assertThat(answers.results.get(0).getId()).isEqualTo("s-1");
        assertThat(answers.results.get(0).hasError()).isFalse();
        assertThat(answers.results.get(1).getIndex()).isEqualTo(1);
        assertThat(answers.results.get(1).getError().getHttpStatus()).isEqualTo(400);
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void aDrainEndsOpenSendStreamsAfterTheirResultsAndRefusesNewOnes() throws Exception {
        StreamAnswers answers = new StreamAnswers();
        StreamObserver<SendRequest> stream = MeshServiceGrpc.newStub(channel).sendStream(answers);
        stream.onNext(send().setId("d-1").build());
        awaitWritten(producer, 1);

        drain.start();
        sendStreams.endAll();
        stream.onNext(send().setId("d-2").build());
        Thread.sleep(200);
        assertThat(producer.history()).as("nothing read after the end was decided is written").hasSize(1);
        assertThat(answers.end).isNotDone();

        producer.completeNext();

        assertThat(answers.end.get(5, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(answers.results).extracting(SendResult::getId).containsExactly("d-1");

        StreamAnswers refused = new StreamAnswers();
        MeshServiceGrpc.newStub(channel).sendStream(refused).onNext(send().build());
        Status status = refused.end.get(5, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(refused.results).isEmpty();
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void badAgentIdsAreRefusedBeforeAnyLookup() {
        StatusRuntimeException subscribe = refused(() -> {
            Iterator<InboxMessage> it = stub.subscribe(SubscribeRequest.newBuilder().setAgentId("Not_Valid").build());
            it.hasNext();
        });
        StatusRuntimeException ack = refused(() -> stub.ack(AckRequest.newBuilder().setAgentId("").putOffsets(0, 1).build()));
        StatusRuntimeException register = refused(() -> stub.register(RegisterRequest.newBuilder().setName("x")
                .setCardJson("[not json").build()));

        for (StatusRuntimeException e : new StatusRuntimeException[]{subscribe, ack, register}) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(meshCode(e)).isEqualTo("INVALID_REQUEST");
        }
        assertThat(subscribe.getStatus().getDescription()).contains("agent_id");
        assertThat(register.getStatus().getDescription()).contains("card_json");
    }

    @Test
    void aConnectStreamMustOpenFirst() throws Exception {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        StreamObserver<ConnectRequest> requests = MeshServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(Delivery value) {
                ended.completeExceptionally(new AssertionError("no delivery expected: " + value));
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(t);
            }

            @Override
            public void onCompleted() {
                ended.completeExceptionally(new AssertionError("completed without an error"));
            }
        });

        requests.onNext(ConnectRequest.newBuilder().setCredit(Credit.newBuilder().setCredit(5)).build());

        StatusRuntimeException e = (StatusRuntimeException) ended.get(5, TimeUnit.SECONDS);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("open");
        Metadata trailers = e.getTrailers();
        assertThat(trailers.get(GrpcErrors.ERROR_CODE)).isEqualTo("INVALID_REQUEST");
    }
}
