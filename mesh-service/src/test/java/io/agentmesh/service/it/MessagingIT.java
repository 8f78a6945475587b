package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.AckRequest;
import io.agentmesh.proto.v1.InboxMessage;
import io.agentmesh.proto.v1.SendBatchRequest;
import io.agentmesh.proto.v1.SendBatchResponse;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.proto.v1.SendResult;
import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Register, send over REST and gRPC, receive by every path, against the real broker, Postgres and Redis. */
@ExtendWith(DropwizardExtensionsSupport.class)
class MessagingIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static Topics topics;
    private static GrpcClient grpc;

    @BeforeAll
    static void clients() {
        topics = new Topics(TestInfra.get().bootstrapServers());
        grpc = new GrpcClient(MESH.grpcPort());
    }

    @AfterAll
    static void close() throws Exception {
        grpc.close();
        topics.close();
    }

    static String register(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Reply r = Http.post(MESH.url("/api/v1/agents"),
                "{\"id\":\"" + id + "\",\"name\":\"" + prefix + "\",\"capabilities\":[\"chat\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("inbox_topic").asText()).isEqualTo(MESH.topic("agent." + id));
        return id;
    }

    static String sendRest(String from, String to, String id) {
        Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + to + "\",\"from\":\"" + from
                + "\",\"payload\":{\"n\":1}" + (id == null ? "" : ",\"id\":\"" + id + "\"") + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().path("status").asText()).isEqualTo("accepted");
        return r.json().path("id").asText();
    }

    static String sendGrpc(String from, String to, String id) {
        SendRequest.Builder b = SendRequest.newBuilder().setTo(to).setFrom(from)
                .setPayload(ByteString.copyFromUtf8("{\"via\":\"grpc\"}"));
        if (id != null) {
            b.setId(id);
        }
        return grpc.blocking().send(b.build()).getId();
    }

    private static List<String> idsIn(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> Topics.header(r, MeshHeaders.ID)).toList();
    }

    /** Reads the inbox until every id is there, then a little longer so late duplicates would show. */
    private static List<String> inboxIds(String agent, List<String> expected) {
        String topic = MESH.topic("agent." + agent);
        topics.readUntil(topic, rs -> idsIn(rs).containsAll(expected), Duration.ofSeconds(30));
        long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        return idsIn(topics.readUntil(topic, rs -> System.nanoTime() > settle, Duration.ofSeconds(2)));
    }

    @Test
    void restAndGrpcSendsReachTheInboxExactlyOnceByEveryReadPath() throws Exception {
        String a = register("a");
        String b = register("b");
        List<String> sent = new ArrayList<>();
        sent.add(sendRest(a, "agent:" + b, null));
        sent.add(sendRest(a, b, "rest-" + UUID.randomUUID()));
        sent.add(sendGrpc(a, "agent:" + b, null));
        sent.add(sendGrpc(a, b, "grpc-" + UUID.randomUUID()));

        // 1. a plain Kafka consumer of mesh.agent.<b> sees each ce_id exactly once
        assertThat(inboxIds(b, sent)).containsExactlyInAnyOrderElementsOf(sent);
        ConsumerRecord<byte[], byte[]> first = topics.readUntil(MESH.topic("agent." + b), rs -> !rs.isEmpty(),
                Duration.ofSeconds(5)).get(0);
        assertThat(Topics.header(first, MeshHeaders.FROM)).isEqualTo(a);
        assertThat(Topics.header(first, "ce_specversion")).isEqualTo("1.0");

        // 2. gRPC Subscribe streams each once
        GrpcClient.Subscription sub = grpc.subscribe(b);
        await().atMost(30, SECONDS).until(() -> sub.received.size() >= sent.size());
        Thread.sleep(1000);
        assertThat(sub.received).extracting(InboxMessage::getId).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(sub.error.get()).isNull();
        grpc.channel().shutdownNow();
        grpc = new GrpcClient(MESH.grpcPort());

        // 3. REST long-poll returns each once, and nothing after the ack
        Http.Reply poll = Http.get(MESH.url("/api/v1/agents/" + b + "/messages?max=100&wait=5"));
        assertThat(poll.status()).as(poll.body()).isEqualTo(200);
        assertThat(poll.ids()).containsExactlyInAnyOrderElementsOf(sent);
        JsonNode ack = poll.json().path("ack");
        Http.Reply acked = Http.post(MESH.url("/api/v1/agents/" + b + "/messages/ack"), "{\"offsets\":" + ack + "}");
        assertThat(acked.status()).as(acked.body()).isEqualTo(200);
        assertThat(acked.json().path("committed")).isEqualTo(ack);
        Http.Reply after = Http.get(MESH.url("/api/v1/agents/" + b + "/messages?max=100&wait=1"));
        assertThat(after.json().path("messages")).isEmpty();

        // 4. after the ack, a new gRPC subscription starts behind the acknowledged messages
        String later = sendGrpc(a, b, null);
        GrpcClient.Subscription resumed = grpc.subscribe(b);
        await().atMost(30, SECONDS).until(() -> !resumed.received.isEmpty());
        Thread.sleep(500);
        assertThat(resumed.received).extracting(InboxMessage::getId).containsExactly(later);
        var committed = grpc.blocking().ack(AckRequest.newBuilder().setAgentId(b)
                .putOffsets(resumed.received.get(0).getPartition(), resumed.received.get(0).getOffset() + 1).build());
        assertThat(committed.getCommittedMap()).containsEntry(0, resumed.received.get(0).getOffset() + 1);
    }

    @Test
    void aStructuredCloudEventIsAcceptedAndKeepsItsAttributes() {
        String a = register("a");
        String b = register("b");
        String id = "ce-" + UUID.randomUUID();
        Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "application/cloudevents+json",
                "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"urn:agent:" + a + "\","
                        + "\"type\":\"task.created\",\"datacontenttype\":\"application/json\","
                        + "\"meshto\":\"agent:" + b + "\",\"meshfrom\":\"" + a + "\",\"tenant\":\"t1\",\"data\":{\"x\":1}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().path("id").asText()).isEqualTo(id);

        ConsumerRecord<byte[], byte[]> got = topics.readUntil(MESH.topic("agent." + b), rs -> !rs.isEmpty(),
                Duration.ofSeconds(30)).get(0);
        assertThat(Topics.header(got, MeshHeaders.ID)).isEqualTo(id);
        assertThat(Topics.header(got, "ce_type")).isEqualTo("task.created");
        assertThat(Topics.header(got, "ce_source")).isEqualTo("urn:agent:" + a);
        assertThat(Topics.header(got, "ce_tenant")).isEqualTo("t1");
        assertThat(new String(got.value(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":1}");
    }

    @Test
    void theSameIdSentTwiceArrivesOnce() {
        String a = register("a");
        String b = register("b");
        String restId = "dup-rest-" + UUID.randomUUID();
        String grpcId = "dup-grpc-" + UUID.randomUUID();
        sendRest(a, b, restId);
        sendRest(a, b, restId);
        sendGrpc(a, b, grpcId);
        sendGrpc(a, b, grpcId);
        sendRest(a, b, restId);

        assertThat(inboxIds(b, List.of(restId, grpcId))).containsExactlyInAnyOrder(restId, grpcId);
    }

    private static Http.Reply sendWith(String from, String to, String id, String extra) {
        return Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + to + "\",\"from\":\"" + from
                + "\",\"id\":\"" + id + "\",\"payload\":{\"n\":1}" + extra + "}");
    }

    @Test
    void anIdResentWithAnotherKeyOrCorrelationIdStillArrivesOnce() {
        String a = register("a");
        String b = register("b");
        String id = "resend-" + UUID.randomUUID();
        Http.Reply first = sendWith(a, b, id, ",\"key\":\"k-first\"");
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        int partition = first.json().path("partition").asInt();
        // keys that, sent fresh, go to other ingress partitions than the first send's
        List<String> others = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "k-" + i)
                .filter(k -> ingressPartitionOf(k) != partition).limit(3).toList();
        assertThat(others).hasSize(3);
        for (String key : others) {
            Http.Reply again = sendWith(a, b, id, ",\"key\":\"" + key + "\"");
            assertThat(again.status()).as(again.body()).isEqualTo(202);
            assertThat(again.json().path("partition").asInt()).as("the resend under key %s", key).isEqualTo(partition);
        }
        Http.Reply byCorrelation = sendWith(a, b, id, ",\"correlation_id\":\"" + others.get(0) + "\"");
        assertThat(byCorrelation.json().path("partition").asInt()).isEqualTo(partition);
        // a gRPC resend under yet another key
        grpc.blocking().send(SendRequest.newBuilder().setTo(b).setFrom(a).setId(id).setKey(others.get(2))
                .setPayload(ByteString.copyFromUtf8("{}")).build());

        assertThat(inboxIds(b, List.of(id))).containsExactly(id);
    }

    @Test
    void anotherSendersIdIsTheirOwn() {
        String mallory = register("m");
        String alice = register("a");
        String b = register("b");
        String id = "shared-" + UUID.randomUUID();
        assertThat(sendWith(mallory, b, id, "").status()).isEqualTo(202);
        assertThat(sendWith(alice, b, id, "").status()).isEqualTo(202);

        String topic = MESH.topic("agent." + b);
        List<ConsumerRecord<byte[], byte[]>> both = topics.readUntil(topic, rs -> rs.size() >= 2, Duration.ofSeconds(30));
        assertThat(both).extracting(r -> Topics.header(r, MeshHeaders.FROM)).containsExactlyInAnyOrder(mallory, alice);
        assertThat(idsIn(both)).containsExactly(id, id);
    }

    private static int ingressPartitionOf(String key) {
        int partitions = APP.getConfiguration().getKafka().getIngressPartitions();
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Test
    void aBatchSendAnswersPerMessageAndStoresOnlyTheGoodOnes() {
        String a = register("a");
        String b = register("b");
        StringBuilder body = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < 50; i++) {
            body.append(i == 0 ? "" : ",").append("{\"to\":\"agent:").append(b).append("\",\"from\":\"").append(a)
                    .append("\",\"key\":\"k\",\"payload\":{\"n\":").append(i).append("}}");
        }
        body.append("]}");
        Http.Reply ok = Http.post(MESH.url("/api/v1/messages/batch"), body.toString());
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("accepted").asInt()).isEqualTo(50);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            JsonNode r = ok.json().path("results").get(i);
            assertThat(r.path("index").asInt()).isEqualTo(i);
            assertThat(r.path("status").asText()).isEqualTo("accepted");
            assertThat(r.path("offset").isNumber()).isTrue();
            ids.add(r.path("id").asText());
        }
        // one key: the inbox holds them in the order of the batch
        assertThat(inboxIds(b, ids)).containsExactlyElementsOf(ids);

        // a bad message is rejected with its own error; the others still go
        String c = register("c");
        Http.Reply mixed = Http.post(MESH.url("/api/v1/messages/batch"), "{\"messages\":["
                + "{\"to\":\"agent:" + c + "\",\"payload\":{\"n\":1},\"id\":\"batch-good-" + c + "\"},"
                + "{\"to\":\"agent:" + c + "\"},"
                + "{\"to\":\"agent:nobody-" + c + "\",\"payload\":1},"
                + "null,"
                // wrong types and unknown fields are one message's problem too, not the batch's
                + "{\"to\":\"agent:" + c + "\",\"payload\":1,\"max_attempts\":\"x\"},"
                + "{\"to\":\"agent:" + c + "\",\"payload\":1,\"priority\":9}]}");
        assertThat(mixed.status()).as(mixed.body()).isEqualTo(207);
        assertThat(mixed.json().path("accepted").asInt()).isEqualTo(1);
        assertThat(mixed.json().path("rejected").asInt()).isEqualTo(5);
        JsonNode results = mixed.json().path("results");
        assertThat(results.get(0).path("id").asText()).isEqualTo("batch-good-" + c);
        assertThat(results.get(1).path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(results.get(1).path("error").path("details").path("field").asText()).isEqualTo("payload");
        assertThat(results.get(2).path("error").path("code").asText()).isEqualTo("UNKNOWN_TARGET");
        assertThat(results.get(3).path("error").path("details").path("field").asText()).isEqualTo("messages[3]");
        assertThat(results.get(4).path("error").path("code").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(results.get(4).path("error").path("details").path("field").asText()).isEqualTo("messages[4].max_attempts");
        assertThat(results.get(5).path("error").path("details").path("field").asText()).isEqualTo("messages[5].priority");
        assertThat(inboxIds(c, List.of("batch-good-" + c))).containsExactly("batch-good-" + c);

        // the batch itself must be sound
        assertThat(Http.post(MESH.url("/api/v1/messages/batch"), "{\"messages\":[]}").status()).isEqualTo(400);
        assertThat(Http.post(MESH.url("/api/v1/messages/batch"), "{}").json().path("details").path("field").asText())
                .isEqualTo("messages");
        String tooMany = "{\"messages\":[" + String.join(",", java.util.Collections.nCopies(1001,
                "{\"to\":\"agent:" + c + "\",\"payload\":1}")) + "]}";
        Http.Reply refused = Http.post(MESH.url("/api/v1/messages/batch"), tooMany);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("message").asText()).contains("at most 1000");
    }

    @Test
    void aGrpcSendBatchAnswersPerMessageLikeTheRestBatch() {
        String a = register("a");
        String b = register("b");
        // 1000 messages of 2 KiB: one gRPC message of ~2 MB, more than a single send may carry
        SendBatchRequest.Builder batch = SendBatchRequest.newBuilder();
        byte[] payload = ("{\"pad\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 1000; i++) {
            batch.addMessages(SendRequest.newBuilder().setTo("agent:" + b).setFrom(a).setKey("k")
                    .setPayload(com.google.protobuf.ByteString.copyFrom(payload)));
        }
        SendBatchResponse ok = grpc.blocking().sendBatch(batch.build());
        assertThat(ok.getAccepted()).isEqualTo(1000);
        assertThat(ok.getRejected()).isZero();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            SendResult r = ok.getResults(i);
            assertThat(r.getIndex()).isEqualTo(i);
            assertThat(r.hasError()).isFalse();
            assertThat(r.getTopic()).isEqualTo(MESH.topic("ingress"));
            ids.add(r.getId());
        }
        assertThat(inboxIds(b, ids)).containsExactlyElementsOf(ids);

        String c = register("c");
        SendBatchResponse mixed = grpc.blocking().sendBatch(SendBatchRequest.newBuilder()
                .addMessages(SendRequest.newBuilder().setTo("agent:" + c).setId("grpc-batch-good-" + c)
                        .setPayload(com.google.protobuf.ByteString.copyFromUtf8("{}")))
                .addMessages(SendRequest.newBuilder().setTo("agent:nobody-" + c)
                        .setPayload(com.google.protobuf.ByteString.copyFromUtf8("{}")))
                .addMessages(SendRequest.newBuilder().setTo("agent:" + c).setMaxAttempts(1000)
                        .setPayload(com.google.protobuf.ByteString.copyFromUtf8("{}")))
                .build());
        assertThat(mixed.getAccepted()).isEqualTo(1);
        assertThat(mixed.getRejected()).isEqualTo(2);
        assertThat(mixed.getResults(0).getId()).isEqualTo("grpc-batch-good-" + c);
        assertThat(mixed.getResults(1).getError().getCode()).isEqualTo("UNKNOWN_TARGET");
        assertThat(mixed.getResults(2).getError().getHttpStatus()).isEqualTo(400);
        assertThat(mixed.getResults(2).getError().getDetailsMap()).containsKey("field");
        assertThat(inboxIds(c, List.of("grpc-batch-good-" + c))).containsExactly("grpc-batch-good-" + c);

        io.grpc.StatusRuntimeException empty = org.junit.jupiter.api.Assertions.assertThrows(
                io.grpc.StatusRuntimeException.class, () -> grpc.blocking().sendBatch(SendBatchRequest.getDefaultInstance()));
        assertThat(empty.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
    }

    /** Collects a SendStream's results and how it ended. */
    private static final class StreamResults implements io.grpc.stub.ClientResponseObserver<SendRequest, SendResult> {
        final List<SendResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.concurrent.CompletableFuture<io.grpc.Status> end = new java.util.concurrent.CompletableFuture<>();
        private final boolean reading;
        io.grpc.stub.ClientCallStreamObserver<SendRequest> call;

        StreamResults(boolean reading) {
            this.reading = reading;
        }

        @Override
        public void beforeStart(io.grpc.stub.ClientCallStreamObserver<SendRequest> call) {
            this.call = call;
            if (!reading) {
                call.disableAutoRequestWithInitial(0);
            }
        }

        @Override
        public void onNext(SendResult r) {
            results.add(r);
        }

        @Override
        public void onError(Throwable t) {
            end.complete(io.grpc.Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(io.grpc.Status.OK);
        }
    }

    @Test
    void aGrpcSendStreamAnswersEveryMessageInOrderAndGoesOnPastRejectedOnes() throws Exception {
        String a = register("a");
        String b = register("b");
        StreamResults answers = new StreamResults(true);
        io.grpc.stub.StreamObserver<SendRequest> stream = io.agentmesh.proto.v1.MeshServiceGrpc.newStub(grpc.channel())
                .withDeadlineAfter(60, SECONDS).sendStream(answers);
        // more than a stream's window, without keys: Kafka answers across partitions in any order
        int n = 3000;
        for (int i = 0; i < n; i++) {
            SendRequest.Builder m = SendRequest.newBuilder().setFrom(a).setTo("agent:" + b)
                    .setPayload(ByteString.copyFromUtf8("{\"i\":" + i + "}"));
            if (i == 10) {
                m.setMaxAttempts(1000);
            } else if (i == 1500) {
                m.setTo("agent:nobody-" + b);
            }
            stream.onNext(m.build());
        }
        stream.onCompleted();
        assertThat(answers.end.get(60, SECONDS).getCode()).isEqualTo(io.grpc.Status.Code.OK);

        assertThat(answers.results).hasSize(n);
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SendResult r = answers.results.get(i);
            assertThat(r.getIndex()).as("results come in the order sent").isEqualTo(i);
            if (i == 10) {
                assertThat(r.getError().getHttpStatus()).isEqualTo(400);
                assertThat(r.getError().getDetailsMap()).containsKey("field");
            } else if (i == 1500) {
                assertThat(r.getError().getCode()).isEqualTo("UNKNOWN_TARGET");
            } else {
                assertThat(r.hasError()).as(r.toString()).isFalse();
                assertThat(r.getTopic()).isEqualTo(MESH.topic("ingress"));
                accepted.add(r.getId());
            }
        }
        assertThat(inboxIds(b, accepted)).containsExactlyInAnyOrderElementsOf(accepted);
    }

    @Test
    void aGrpcSendStreamWhoseClientReadsNoResultsIsHeldBackNotBuffered() throws Exception {
        String a = register("a");
        String b = register("b");
        // a small HTTP/2 window, so results the client does not read soon fill it
        io.grpc.ManagedChannel narrow = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                .forAddress("127.0.0.1", MESH.grpcPort()).usePlaintext().flowControlWindow(65_535).build();
        try {
            StreamResults answers = new StreamResults(false);
            io.grpc.stub.StreamObserver<SendRequest> stream = io.agentmesh.proto.v1.MeshServiceGrpc.newStub(narrow)
                    .withDeadlineAfter(120, SECONDS).sendStream(answers);
            int n = 8000;
            for (int i = 0; i < n; i++) {
                stream.onNext(SendRequest.newBuilder().setFrom(a).setTo("agent:" + b).setId("held-" + b + "-" + i)
                        .setPayload(ByteString.copyFromUtf8("{}")).build());
            }
            stream.onCompleted();
            String topic = MESH.topic("agent." + b);
            // the node takes what its window and the unread results allow, then stops reading requests
            long[] taken = new long[1];
            await().atMost(30, SECONDS).pollDelay(2, SECONDS).until(() -> {
                long before = taken[0];
                taken[0] = topics.readUntil(topic, rs -> false, Duration.ofSeconds(1)).size();
                return taken[0] > 0 && taken[0] == before;
            });
            assertThat(taken[0]).as("accepted while the client read no result").isLessThan(n / 2);
            assertThat(answers.results).isEmpty();

            answers.call.request(Integer.MAX_VALUE);
            assertThat(answers.end.get(60, SECONDS).getCode()).isEqualTo(io.grpc.Status.Code.OK);
            assertThat(answers.results).hasSize(n).allMatch(r -> !r.hasError());
            assertThat(topics.readUntil(topic, rs -> rs.size() >= n, Duration.ofSeconds(30))).hasSize(n);
        } finally {
            narrow.shutdownNow();
        }
    }

    @Test
    void undecodableRecordsOnIngressAreDeadLetteredAndRoutingGoesOn() throws Exception {
        String a = register("a");
        String b = register("b");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(MESH.topic("ingress"), "poison".getBytes(StandardCharsets.UTF_8),
                    new byte[]{0, 1, 2, (byte) 0xff})).get();
        }
        String good = sendRest(a, b, null);

        assertThat(inboxIds(b, List.of(good))).containsExactly(good);
        List<ConsumerRecord<byte[], byte[]>> dead = topics.readUntil(MESH.topic("dlq"),
                rs -> rs.stream().anyMatch(r -> "poison".equals(new String(r.key(), StandardCharsets.UTF_8))),
                Duration.ofSeconds(30));
        ConsumerRecord<byte[], byte[]> poison = dead.stream()
                .filter(r -> "poison".equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
        assertThat(Topics.header(poison, MeshHeaders.DLQ_REASON)).isEqualTo("INVALID_ENVELOPE");
        assertThat(poison.value()).containsExactly(0, 1, 2, (byte) 0xff);
    }

    @Test
    void healthAndMetricsReportEveryComponent() {
        String a = register("a");
        String b = register("b");
        sendRest(a, b, null);
        for (String path : List.of("/health", "/api/v1/health")) {
            Http.Reply h = Http.get(MESH.url(path));
            assertThat(h.status()).as(h.body()).isEqualTo(200);
            assertThat(h.json().path("status").asText()).isEqualTo("up");
            for (String c : List.of("kafka", "streams", "postgres", "redis", "zookeeper")) {
                assertThat(h.json().path("components").path(c).path("status").asText()).as(c).isEqualTo("up");
            }
        }
        await().atMost(30, SECONDS).until(() -> {
            String metrics = Http.get(MESH.url("/metrics")).body();
            return metrics.contains("mesh_message_latency_seconds_bucket{le=\"+Inf\"}")
                    && !metrics.contains("mesh_message_latency_seconds_count 0");
        });
        assertThat(Http.get(MESH.url("/metrics")).body()).contains("mesh_messages_accepted_total");
    }

    @Test
    void grpcServesHealthAndReflection() throws Exception {
        var health = io.grpc.health.v1.HealthGrpc.newBlockingStub(grpc.channel())
                .check(io.grpc.health.v1.HealthCheckRequest.newBuilder().build());
        assertThat(health.getStatus()).isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        var meshHealth = io.grpc.health.v1.HealthGrpc.newBlockingStub(grpc.channel())
                .check(io.grpc.health.v1.HealthCheckRequest.newBuilder().setService("mesh.v1.MeshService").build());
        assertThat(meshHealth.getStatus()).isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);

        List<String> services = new java.util.concurrent.CopyOnWriteArrayList<>();
        var done = new java.util.concurrent.CountDownLatch(1);
        var requests = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(grpc.channel()).serverReflectionInfo(
                new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1.ServerReflectionResponse r) {
                        r.getListServicesResponse().getServiceList().forEach(s -> services.add(s.getName()));
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertThat(done.await(10, SECONDS)).isTrue();
        assertThat(services).contains("mesh.v1.MeshService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
    }
}
