package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.a2a.A2A;
import io.a2a.client.Client;
import io.a2a.client.ClientEvent;
import io.a2a.client.TaskEvent;
import io.a2a.client.TaskUpdateEvent;
import io.a2a.client.config.ClientConfig;
import io.a2a.client.transport.jsonrpc.JSONRPCTransport;
import io.a2a.client.transport.jsonrpc.JSONRPCTransportConfig;
import io.a2a.spec.A2AClientException;
import io.a2a.spec.AgentCard;
import io.a2a.spec.Message;
import io.a2a.spec.Task;
import io.a2a.spec.TaskIdParams;
import io.a2a.spec.TaskQueryParams;
import io.a2a.spec.TaskState;
import io.a2a.spec.TaskStatusUpdateEvent;
import io.a2a.spec.TaskArtifactUpdateEvent;
import io.a2a.spec.TextPart;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The A2A gateway, driven by the official A2A Java SDK client (JSON-RPC transport) unchanged: the
 * client knows nothing of the mesh; the agent is a plain mesh agent long-polling its inbox and
 * answering through the REST task calls, on the other node.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class A2aGatewayIT {

    static final MeshApp NODE1 = MeshApp.onSharedBroker();
    static final MeshApp NODE2 = NODE1.secondNode();
    static final DropwizardAppExtension<MeshConfiguration> APP1 = NODE1.extension();
    static final DropwizardAppExtension<MeshConfiguration> APP2 = NODE2.extension();

    private static String register(String prefix, String capability) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        Http.Reply r = Http.post(NODE1.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"" + prefix
                + "\",\"capabilities\":[\"" + capability + "\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return id;
    }

    /** The agent's card from a node, fetched by the SDK from the agent's path on the mesh. */
    private static AgentCard card(MeshApp node, String agent) throws Exception {
        return A2A.getAgentCard(node.url(""), "/a2a/" + agent + "/.well-known/agent-card.json", null);
    }

    private static Client client(AgentCard card, boolean blocking, List<ClientEvent> events) throws Exception {
        return Client.builder(card)
                .clientConfig(new ClientConfig.Builder().setStreaming(false).setPolling(!blocking).build())
                .withTransport(JSONRPCTransport.class, new JSONRPCTransportConfig())
                .addConsumer((event, c) -> events.add(event))
                .build();
    }

    /** The agent's side: takes one message of its inbox (through node 2) and gives it to {@code answer}. */
    private static JsonNode takeOne(String agent) {
        await().atMost(30, SECONDS).until(() ->
                !Http.get(NODE2.url("/api/v1/agents/" + agent + "/messages?wait=2&max=1")).json().path("messages").isEmpty());
        Http.Reply got = Http.get(NODE2.url("/api/v1/agents/" + agent + "/messages?max=1"));
        JsonNode m = got.json().path("messages").get(0);
        assertThat(Http.post(NODE2.url("/api/v1/agents/" + agent + "/messages/ack"), "{\"offsets\":" + got.json().path("ack")
                + "}").status()).isEqualTo(200);
        return m;
    }

    private static Http.Reply update(String taskId, String what, String body) {
        return Http.post(NODE2.url("/api/v1/a2a/tasks/" + taskId + "/" + what), body);
    }

    @Test
    void anA2aClientFetchesTheCardSendsAndGetsTheAgentsAnswerFromEitherNode() throws Exception {
        String agent = register("planner", "trip-planning");
        AgentCard card = card(NODE1, agent);
        assertThat(card.url()).isEqualTo(NODE1.url("/a2a/" + agent));
        assertThat(card.preferredTransport()).isEqualTo("JSONRPC");
        assertThat(card.capabilities().streaming()).isTrue();
        assertThat(card.skills()).extracting(s -> s.id()).contains("trip-planning");

        // the agent: a plain mesh agent reading its inbox and answering through the REST task calls
        CompletableFuture<JsonNode> agentSide = CompletableFuture.supplyAsync(() -> {
            JsonNode m = takeOne(agent);
            String taskId = m.path("correlation_id").asText();
            assertThat(update(taskId, "status", "{\"state\":\"working\"}").status()).isEqualTo(202);
            assertThat(update(taskId, "artifacts", "{\"artifact\":{\"name\":\"plan\",\"parts\":[{\"kind\":\"text\","
                    + "\"text\":\"Day 1: Lisbon\"}]}}").status()).isEqualTo(202);
            Http.Reply done = update(taskId, "status", "{\"state\":\"completed\",\"message\":{\"parts\":[{\"kind\":\"text\","
                    + "\"text\":\"Here is your plan\"}]}}");
            assertThat(done.status()).as(done.body()).isEqualTo(202);
            return m;
        });

        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        Message question = A2A.toUserMessage("Plan a trip to Lisbon");
        Client client = client(card, true, events);
        client.sendMessage(question);
        client.close();
        JsonNode delivered = agentSide.get(30, SECONDS);
        assertThat(delivered.path("type").asText()).isEqualTo("a2a.message.send");
        assertThat(delivered.path("payload").path("message").path("parts").get(0).path("text").asText())
                .isEqualTo("Plan a trip to Lisbon");

        assertThat(events).hasSize(1);
        Task task = ((TaskEvent) events.get(0)).getTask();
        assertThat(task.getStatus().state()).isEqualTo(TaskState.COMPLETED);
        assertThat(((TextPart) task.getArtifacts().get(0).parts().get(0)).getText()).isEqualTo("Day 1: Lisbon");
        assertThat(((TextPart) task.getStatus().message().getParts().get(0)).getText()).isEqualTo("Here is your plan");

        // node 2 serves the same task to a client that found the agent's card there
        AgentCard card2 = card(NODE2, agent);
        Task again = client(card2, true, new CopyOnWriteArrayList<>()).getTask(new TaskQueryParams(task.getId(), 10), null);
        assertThat(again.getStatus().state()).isEqualTo(TaskState.COMPLETED);
        assertThat(again.getArtifacts()).hasSize(1);
        assertThat(again.getHistory()).extracting(Message::getMessageId).contains(question.getMessageId());

        // the same message again (a client retry) is the same task, and no second delivery
        Http.Reply resent = Http.post(NODE1.url("/a2a/" + agent), "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"message/send\","
                + "\"params\":{\"message\":{\"role\":\"user\",\"kind\":\"message\",\"messageId\":\"" + question.getMessageId()
                + "\",\"parts\":[{\"kind\":\"text\",\"text\":\"Plan a trip to Lisbon\"}]}}}");
        assertThat(resent.json().path("result").path("id").asText()).isEqualTo(task.getId());
        assertThat(resent.json().path("result").path("status").path("state").asText()).isEqualTo("completed");
        Thread.sleep(2000);
        assertThat(Http.get(NODE2.url("/api/v1/agents/" + agent + "/messages?wait=1")).json().path("messages")).isEmpty();
    }

    @Test
    void aStreamedTaskSendsEveryUpdateInOrderToTheSdkClient() throws Exception {
        String agent = register("streamer", "streaming");
        AgentCard card = card(NODE1, agent);
        CompletableFuture<Void> agentSide = CompletableFuture.runAsync(() -> {
            String taskId = takeOne(agent).path("correlation_id").asText();
            assertThat(update(taskId, "status", "{\"state\":\"working\"}").status()).isEqualTo(202);
            for (String part : List.of("one", "two")) {
                assertThat(update(taskId, "artifacts", "{\"artifact\":{\"artifactId\":\"" + part + "\",\"parts\":[{\"kind\":"
                        + "\"text\",\"text\":\"" + part + "\"}]}}").status()).isEqualTo(202);
            }
            assertThat(update(taskId, "status", "{\"state\":\"completed\"}").status()).isEqualTo(202);
        });
        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        Client client = Client.builder(card)
                .clientConfig(new ClientConfig.Builder().setStreaming(true).build())
                .withTransport(JSONRPCTransport.class, new JSONRPCTransportConfig())
                .addConsumer((event, c) -> events.add(event))
                .build();
        client.sendMessage(A2A.toUserMessage("stream it"));
        agentSide.get(30, SECONDS);
        await().atMost(20, SECONDS).until(() -> !events.isEmpty() && events.get(events.size() - 1) instanceof TaskUpdateEvent u
                && u.getTask().getStatus().state() == TaskState.COMPLETED);
        assertThat(events.get(0)).isInstanceOf(TaskEvent.class);
        List<String> seen = events.stream().skip(1).map(e -> {
            var u = ((TaskUpdateEvent) e).getUpdateEvent();
            return u instanceof TaskStatusUpdateEvent s ? s.getStatus().state().asString()
                    : ((TaskArtifactUpdateEvent) u).getArtifact().artifactId();
        }).toList();
        assertThat(seen).containsExactly("working", "one", "two", "completed");
        Task last = ((TaskUpdateEvent) events.get(events.size() - 1)).getTask();
        assertThat(last.getArtifacts()).extracting(a -> a.artifactId()).containsExactly("one", "two");
        client.close();
    }

    @Test
    void theAgentAnswersOverGrpcAsItDoesOverRest() throws Exception {
        String agent = register("grpc-answerer", "answering");
        AgentCard card = card(NODE1, agent);
        CompletableFuture<Void> agentSide = CompletableFuture.runAsync(() -> {
            String taskId = takeOne(agent).path("correlation_id").asText();
            try (GrpcClient grpc = new GrpcClient(NODE2.grpcPort())) {
                var stub = grpc.blocking();
                stub.updateA2aTask(io.agentmesh.proto.v1.UpdateA2aTaskRequest.newBuilder().setTaskId(taskId)
                        .setArtifactJson("{\"artifact\":{\"artifactId\":\"g\",\"parts\":[{\"kind\":\"text\","
                                + "\"text\":\"over gRPC\"}]}}").build());
                var done = stub.updateA2aTask(io.agentmesh.proto.v1.UpdateA2aTaskRequest.newBuilder().setTaskId(taskId)
                        .setStatusJson("{\"state\":\"completed\"}").build());
                assertThat(done.getTaskJson()).contains("\"completed\"");
                // a finished task takes no more updates; a bad update is refused with its field
                assertThatThrownBy(() -> stub.updateA2aTask(io.agentmesh.proto.v1.UpdateA2aTaskRequest.newBuilder()
                        .setTaskId(taskId).setStatusJson("{\"state\":\"working\"}").build()))
                        .hasMessageContaining("FAILED_PRECONDITION");
                assertThatThrownBy(() -> stub.updateA2aTask(io.agentmesh.proto.v1.UpdateA2aTaskRequest.newBuilder()
                        .setTaskId(taskId).setStatusJson("not json").build()))
                        .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("status_json");
                assertThatThrownBy(() -> stub.updateA2aTask(io.agentmesh.proto.v1.UpdateA2aTaskRequest.newBuilder()
                        .setTaskId("no-such-task").setStatusJson("{\"state\":\"working\"}").build()))
                        .hasMessageContaining("NOT_FOUND");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        Client client = client(card, true, events);
        client.sendMessage(A2A.toUserMessage("answer me over gRPC"));
        agentSide.get(40, SECONDS);
        Task task = ((TaskEvent) events.get(0)).getTask();
        assertThat(task.getStatus().state()).isEqualTo(TaskState.COMPLETED);
        assertThat(((TextPart) task.getArtifacts().get(0).parts().get(0)).getText()).isEqualTo("over gRPC");
        client.close();
    }

    @Test
    void aNodeStartsFromTheCompactedTaskTopicAndReadsTheEventLogOnlyPastIt() throws Exception {
        String agent = register("snapshotted", "snapshots");
        Http.Reply sent = Http.post(NODE1.url("/a2a/" + agent), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"message/send\","
                + "\"params\":{\"message\":{\"role\":\"user\",\"kind\":\"message\",\"messageId\":\"" + UUID.randomUUID()
                + "\",\"parts\":[{\"kind\":\"text\",\"text\":\"keep me\"}]}}}");
        String taskId = sent.json().path("result").path("id").asText();
        assertThat(taskId).as(sent.body()).isNotEmpty();
        assertThat(update(taskId, "artifacts", "{\"artifact\":{\"artifactId\":\"k\",\"parts\":[{\"kind\":\"text\","
                + "\"text\":\"kept\"}]}}").status()).isEqualTo(202);
        assertThat(update(taskId, "status", "{\"state\":\"completed\"}").status()).isEqualTo(202);
        var kafka = APP1.getConfiguration().getKafka();
        // a view started now finds the task in the router's snapshots, not by folding the log: it holds
        // none of the task's events one by one
        await().atMost(60, SECONDS).untilAsserted(() -> {
            io.agentmesh.service.a2a.TaskView view = new io.agentmesh.service.a2a.TaskView(NODE1.topic("a2a.task-events"),
                    NODE1.topic("a2a.tasks"), NODE1.prefix() + "-router-" + io.agentmesh.service.a2a.A2aFeature.SNAPSHOTS,
                    new io.agentmesh.service.kafka.KafkaClientProps(kafka, "it-view", 1 << 20),
                    Http.JSON);
            view.start();
            try {
                assertThat(view.task(taskId)).as("the snapshot is written").isPresent();
                JsonNode task = view.task(taskId).get();
                assertThat(task.path("status").path("state").asText()).isEqualTo("completed");
                assertThat(task.path("artifacts").get(0).path("parts").get(0).path("text").asText()).isEqualTo("kept");
                assertThat(view.agentOf(taskId)).contains(agent);
                var sub = view.subscribe(taskId, -1, (seq, e) -> { }).orElseThrow();
                assertThat(sub.seq()).isEqualTo(2);
                assertThat(sub.complete()).isFalse();
                sub.cancel().run();
            } finally {
                view.stop();
            }
        });
    }

    private static Client restClient(AgentCard card, boolean streaming, List<ClientEvent> events) throws Exception {
        return Client.builder(card)
                .clientConfig(new ClientConfig.Builder().setStreaming(streaming).build())
                .withTransport(io.a2a.client.transport.rest.RestTransport.class,
                        new io.a2a.client.transport.rest.RestTransportConfig())
                .addConsumer((event, c) -> events.add(event))
                .build();
    }

    @Test
    void theSdkClientOverTheHttpJsonBindingSendsGetsStreamsAndCancels() throws Exception {
        String agent = register("rest-planner", "rest-planning");
        AgentCard card = card(NODE1, agent);
        assertThat(card.additionalInterfaces()).extracting(i -> i.transport()).contains("HTTP+JSON", "JSONRPC");
        CompletableFuture<Void> agentSide = CompletableFuture.runAsync(() -> {
            String taskId = takeOne(agent).path("correlation_id").asText();
            assertThat(update(taskId, "status", "{\"state\":\"working\"}").status()).isEqualTo(202);
            assertThat(update(taskId, "artifacts", "{\"artifact\":{\"artifactId\":\"r\",\"parts\":[{\"kind\":\"text\","
                    + "\"text\":\"over HTTP+JSON\"}]}}").status()).isEqualTo(202);
            assertThat(update(taskId, "status", "{\"state\":\"completed\"}").status()).isEqualTo(202);
        });
        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        Client client = restClient(card, false, events);
        client.sendMessage(A2A.toUserMessage("plan it over REST"));
        agentSide.get(30, SECONDS);
        Task task = ((TaskEvent) events.get(0)).getTask();
        assertThat(task.getStatus().state()).isEqualTo(TaskState.COMPLETED);
        assertThat(((TextPart) task.getArtifacts().get(0).parts().get(0)).getText()).isEqualTo("over HTTP+JSON");

        // node 2 answers the same task over the same binding; an unknown one is TaskNotFound
        Client other = restClient(card(NODE2, agent), false, new CopyOnWriteArrayList<>());
        assertThat(other.getTask(new TaskQueryParams(task.getId(), 10), null).getStatus().state())
                .isEqualTo(TaskState.COMPLETED);
        assertThatThrownBy(() -> other.getTask(new TaskQueryParams("no-such-task"), null))
                .hasStackTraceContaining("TaskNotFound");
        // a finished task cannot be canceled
        assertThatThrownBy(() -> other.cancelTask(new TaskIdParams(task.getId()), null))
                .hasStackTraceContaining("TaskNotCancelable");

        // streaming: every update in order
        CompletableFuture<Void> streamedSide = CompletableFuture.runAsync(() -> {
            String taskId = takeOne(agent).path("correlation_id").asText();
            assertThat(update(taskId, "status", "{\"state\":\"working\"}").status()).isEqualTo(202);
            assertThat(update(taskId, "artifacts", "{\"artifact\":{\"artifactId\":\"s\",\"parts\":[{\"kind\":\"text\","
                    + "\"text\":\"streamed\"}]}}").status()).isEqualTo(202);
            assertThat(update(taskId, "status", "{\"state\":\"completed\"}").status()).isEqualTo(202);
        });
        List<ClientEvent> streamed = new CopyOnWriteArrayList<>();
        Client streaming = restClient(card, true, streamed);
        streaming.sendMessage(A2A.toUserMessage("stream it over REST"));
        streamedSide.get(30, SECONDS);
        await().atMost(20, SECONDS).until(() -> !streamed.isEmpty() && streamed.get(streamed.size() - 1) instanceof TaskUpdateEvent u
                && u.getTask().getStatus().state() == TaskState.COMPLETED);
        List<String> seen = streamed.stream().skip(1).map(e -> {
            var u = ((TaskUpdateEvent) e).getUpdateEvent();
            return u instanceof TaskStatusUpdateEvent st ? st.getStatus().state().asString()
                    : ((TaskArtifactUpdateEvent) u).getArtifact().artifactId();
        }).toList();
        assertThat(seen).containsExactly("working", "s", "completed");

        // a task canceled over REST: the agent is told through its inbox
        Http.Reply pending = Http.post(NODE1.url("/a2a/" + agent + "/v1/message:send"), "{\"request\":{\"messageId\":\""
                + UUID.randomUUID() + "\",\"role\":\"ROLE_USER\",\"content\":[{\"text\":\"cancel me\"}]}}");
        assertThat(pending.status()).as(pending.body()).isEqualTo(200);
        String pendingId = pending.json().path("task").path("id").asText();
        assertThat(pending.json().path("task").path("status").path("state").asText()).isEqualTo("TASK_STATE_SUBMITTED");
        Task canceled = client.cancelTask(new TaskIdParams(pendingId), null);
        assertThat(canceled.getStatus().state()).isEqualTo(TaskState.CANCELED);
        assertThat(takeOne(agent).path("type").asText()).isEqualTo("a2a.message.send");
        assertThat(takeOne(agent).path("type").asText()).isEqualTo("a2a.tasks.cancel");
        // tasks/list (1.0 ListTasks): the agent's tasks, newest first, filtered and paged
        JsonNode all = Http.post(NODE2.url("/a2a/" + agent), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ListTasks\","
                + "\"params\":{\"pageSize\":2}}").json().path("result");
        assertThat(all.path("totalSize").asInt()).isEqualTo(3);
        assertThat(all.path("tasks")).hasSize(2);
        assertThat(all.path("tasks").get(0).path("id").asText()).isEqualTo(pendingId);
        JsonNode rest = Http.post(NODE2.url("/a2a/" + agent), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tasks/list\","
                + "\"params\":{\"pageSize\":2,\"pageToken\":\"" + all.path("nextPageToken").asText() + "\"}}").json()
                .path("result");
        assertThat(rest.path("tasks")).hasSize(1);
        assertThat(rest.path("nextPageToken").asText()).isEmpty();
        JsonNode canceledOnly = Http.post(NODE2.url("/a2a/" + agent), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tasks/list\","
                + "\"params\":{\"status\":\"TASK_STATE_CANCELED\",\"includeArtifacts\":false}}").json().path("result");
        assertThat(canceledOnly.path("tasks")).extracting(t -> t.path("id").asText()).containsExactly(pendingId);
        // bodies that are not the binding's messages are refused as the SDK reads errors
        Http.Reply bad = Http.post(NODE1.url("/a2a/" + agent + "/v1/message:send"), "{\"request\": 5}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").asText()).isEqualTo("io.a2a.spec.JSONParseError");
        Http.Reply noContent = Http.post(NODE1.url("/a2a/" + agent + "/v1/message:send"),
                "{\"request\":{\"role\":\"ROLE_USER\",\"content\":[]}}");
        assertThat(noContent.status()).as(noContent.body()).isEqualTo(400);
        assertThat(noContent.json().path("error").asText()).isEqualTo("io.a2a.spec.InvalidParamsError");
        // a push notification config set over REST without a resource name
        Http.Reply push = Http.post(NODE1.url("/a2a/" + agent + "/v1/tasks/" + pendingId + "/pushNotificationConfigs"),
                "{\"config\":{\"pushNotificationConfig\":{\"url\":\"https://93.184.216.34/a2a\"}}}");
        assertThat(push.status()).as(push.body()).isEqualTo(200);
        assertThat(push.json().path("name").asText()).isEqualTo("tasks/" + pendingId + "/pushNotificationConfigs/" + pendingId);
        assertThat(Http.get(NODE1.url("/a2a/" + agent + "/v1/tasks/" + pendingId + "/pushNotificationConfigs")).json()
                .path("configs")).hasSize(1);
        client.close();
        other.close();
        streaming.close();
    }

    /** A stream's events, read as a client: each event's id and its JSON-RPC result. */
    private record Sse(java.io.BufferedReader in, java.io.InputStream raw) implements AutoCloseable {
        static Sse open(String url, String body, String lastEventId) throws Exception {
            var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
            if (lastEventId != null) {
                b.header("Last-Event-ID", lastEventId);
            }
            var r = java.net.http.HttpClient.newHttpClient().send(b.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            return new Sse(new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
                    java.nio.charset.StandardCharsets.UTF_8)), r.body());
        }

        /** The next event as {id, result}, or null at the stream's end. */
        String[] next() throws Exception {
            String id = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    return new String[] {id, line.substring(6)};
                }
            }
            return null;
        }

        @Override
        public void close() throws Exception {
            raw.close();
        }
    }

    private static String describe(String json) throws Exception {
        JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("result");
        return switch (r.path("kind").asText()) {
            case "task" -> "task:" + r.path("status").path("state").asText();
            case "status-update" -> r.path("status").path("state").asText();
            default -> r.path("artifact").path("artifactId").asText();
        };
    }

    @Test
    void aClientCutOffMidStreamResumesOnTheOtherNodeWithNothingLostOrRepeated() throws Exception {
        String agent = register("resumer", "resuming");
        String messageId = UUID.randomUUID().toString();
        String stream = "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"message/stream\",\"params\":{\"message\":"
                + "{\"role\":\"user\",\"kind\":\"message\",\"messageId\":\"" + messageId + "\",\"parts\":[{\"kind\":\"text\","
                + "\"text\":\"long job\"}]}}}";
        List<String[]> got = new ArrayList<>();
        String taskId;
        try (Sse first = Sse.open(NODE1.url("/a2a/" + agent), stream, null)) {
            got.add(first.next());
            taskId = takeOne(agent).path("correlation_id").asText();
            assertThat(update(taskId, "status", "{\"state\":\"working\"}").status()).isEqualTo(202);
            assertThat(update(taskId, "artifacts", "{\"artifact\":{\"artifactId\":\"a1\",\"parts\":[{\"kind\":\"text\","
                    + "\"text\":\"1\"}]}}").status()).isEqualTo(202);
            got.add(first.next());
            got.add(first.next());
        } // the client's connection is cut here
        for (String a : List.of("a2", "a3")) {
            assertThat(update(taskId, "artifacts", "{\"artifact\":{\"artifactId\":\"" + a + "\",\"parts\":[{\"kind\":"
                    + "\"text\",\"text\":\"" + a + "\"}]}}").status()).isEqualTo(202);
        }
        assertThat(update(taskId, "status", "{\"state\":\"completed\"}").status()).isEqualTo(202);

        String resubscribe = "{\"jsonrpc\":\"2.0\",\"id\":\"s2\",\"method\":\"tasks/resubscribe\",\"params\":{\"id\":\""
                + taskId + "\"}}";
        try (Sse again = Sse.open(NODE2.url("/a2a/" + agent), resubscribe, got.get(got.size() - 1)[0])) {
            for (String[] e = again.next(); e != null; e = again.next()) {
                got.add(e);
            }
        }
        List<String> what = new ArrayList<>();
        for (String[] e : got) {
            what.add(describe(e[1]));
        }
        assertThat(what).containsExactly("task:submitted", "working", "a1", "a2", "a3", "completed");
        List<Long> ids = got.stream().map(e -> Long.parseLong(e[0])).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).as("event ids follow on without a gap or a repeat: %s", ids).isEqualTo(ids.get(i - 1) + 1);
        }
    }

    /**
     * The same with the SDK client itself: its stream to node 1 runs through a proxy that cuts it
     * mid-task; the client resubscribes through node 2, naming the last event it got in
     * {@code Last-Event-ID} (a header of its call context: event ids are positions in the task, 0 = the
     * task), and gets every later event once.
     */
    @Test
    void theSdkClientCutOffMidStreamResubscribesThroughTheOtherNodeWithNothingLostOrRepeated() throws Exception {
        String agent = register("sdk-resumer", "resuming");
        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        String taskId;
        try (CuttableProxy proxy = new CuttableProxy(APP1.getLocalPort())) {
            AgentCard viaProxy = new AgentCard.Builder(card(NODE1, agent))
                    .url("http://127.0.0.1:" + proxy.port() + "/a2a/" + agent).build();
            Client client = Client.builder(viaProxy)
                    .clientConfig(new ClientConfig.Builder().setStreaming(true).build())
                    .withTransport(JSONRPCTransport.class, new JSONRPCTransportConfig())
                    .build();
            client.sendMessage(A2A.toUserMessage("long job"), List.of((event, c) -> events.add(event)), errors::add, null);
            taskId = takeOne(agent).path("correlation_id").asText();
            assertThat(update(taskId, "status", "{\"state\":\"working\"}").status()).isEqualTo(202);
            assertThat(update(taskId, "artifacts", "{\"artifact\":{\"artifactId\":\"a1\",\"parts\":[{\"kind\":\"text\","
                    + "\"text\":\"1\"}]}}").status()).isEqualTo(202);
            await().atMost(20, SECONDS).until(() -> events.size() == 3);
            proxy.cut(); // the client's connection ends mid-task
            await().atMost(20, SECONDS).until(() -> !errors.isEmpty());
            client.close();
        }
        int before = events.size();
        for (String a : List.of("a2", "a3")) {
            assertThat(update(taskId, "artifacts", "{\"artifact\":{\"artifactId\":\"" + a + "\",\"parts\":[{\"kind\":"
                    + "\"text\",\"text\":\"" + a + "\"}]}}").status()).isEqualTo(202);
        }
        assertThat(update(taskId, "status", "{\"state\":\"completed\"}").status()).isEqualTo(202);

        Client again = Client.builder(card(NODE2, agent))
                .clientConfig(new ClientConfig.Builder().setStreaming(true).build())
                .withTransport(JSONRPCTransport.class, new JSONRPCTransportConfig())
                .build();
        again.resubscribe(new TaskIdParams(taskId), List.of((event, c) -> events.add(event)), errors::add,
                new io.a2a.client.transport.spi.interceptors.ClientCallContext(java.util.Map.of(),
                        java.util.Map.of("Last-Event-ID", Integer.toString(before - 1))));
        await().atMost(20, SECONDS).until(() -> events.size() >= before + 3);
        Thread.sleep(500); // nothing more may come
        again.close();

        assertThat(events.get(0)).isInstanceOf(TaskEvent.class);
        List<String> seen = new ArrayList<>();
        for (ClientEvent e : events.subList(1, events.size())) {
            var u = ((TaskUpdateEvent) e).getUpdateEvent();
            seen.add(u instanceof TaskStatusUpdateEvent s ? s.getStatus().state().asString()
                    : ((TaskArtifactUpdateEvent) u).getArtifact().artifactId());
        }
        assertThat(seen).containsExactly("working", "a1", "a2", "a3", "completed");
    }

    @Test
    void aTaskIsCanceledTheAgentIsToldAndAFinishedTaskTakesNothingMore() throws Exception {
        String agent = register("slow", "slow-work");
        AgentCard card = card(NODE1, agent);
        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        Client client = client(card, false, events);
        client.sendMessage(A2A.toUserMessage("take your time"));
        Task submitted = ((TaskEvent) events.get(0)).getTask();
        assertThat(submitted.getStatus().state()).isEqualTo(TaskState.SUBMITTED);

        Task canceled = client.cancelTask(new TaskIdParams(submitted.getId()), null);
        assertThat(canceled.getStatus().state()).isEqualTo(TaskState.CANCELED);
        JsonNode first = takeOne(agent);
        JsonNode second = takeOne(agent);
        assertThat(List.of(first.path("type").asText(), second.path("type").asText()))
                .containsExactly("a2a.message.send", "a2a.tasks.cancel");
        assertThat(second.path("correlation_id").asText()).isEqualTo(submitted.getId());

        Http.Reply late = update(submitted.getId(), "status", "{\"state\":\"completed\"}");
        assertThat(late.status()).as(late.body()).isEqualTo(409);
        assertThatThrownBy(() -> client.cancelTask(new TaskIdParams(submitted.getId()), null))
                .isInstanceOf(A2AClientException.class).hasMessageContaining("canceled");
    }

    /** A webhook that fails its first {@code failures} calls with 500, then answers 200; it keeps what it got. */
    private static final class Webhook implements AutoCloseable {
        final com.sun.net.httpserver.HttpServer server;
        final List<int[]> statuses = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final List<String> tokens = new CopyOnWriteArrayList<>();

        Webhook(int failures) throws Exception {
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int status = statuses.size() < failures ? 500 : 200;
                statuses.add(new int[] {status});
                bodies.add(new String(body, java.nio.charset.StandardCharsets.UTF_8));
                tokens.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-A2A-Notification-Token")));
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void aPushNotificationReachesTheClientsWebhookAfterTwoFailuresAndOneThatNeverWorksIsDeadLettered() throws Exception {
        String agent = register("pusher", "pushing");
        AgentCard card = card(NODE1, agent);
        assertThat(card.capabilities().pushNotifications()).isTrue();
        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        Client client = client(card, false, events);
        try (Webhook hook = new Webhook(2); Webhook broken = new Webhook(Integer.MAX_VALUE)) {
            client.sendMessage(A2A.toUserMessage("tell me when done"));
            String taskId = ((TaskEvent) events.get(0)).getTask().getId();
            var set = client.setTaskPushNotificationConfiguration(new io.a2a.spec.TaskPushNotificationConfig(taskId,
                    new io.a2a.spec.PushNotificationConfig(hook.url(), "tok-" + taskId, null, "hook-1")), null);
            assertThat(set.pushNotificationConfig().url()).isEqualTo(hook.url());
            assertThat(client.getTaskPushNotificationConfiguration(
                    new io.a2a.spec.GetTaskPushNotificationConfigParams(taskId, "hook-1"), null).pushNotificationConfig().token())
                    .isEqualTo("tok-" + taskId);

            JsonNode m = takeOne(agent);
            assertThat(update(m.path("correlation_id").asText(), "status", "{\"state\":\"completed\"}").status()).isEqualTo(202);
            // two 500s, then delivered; the delivered task ends completed; every call carries the token
            await().atMost(30, SECONDS).until(() -> hook.bodies.stream().anyMatch(b -> b.contains("\"completed\""))
                    && hook.statuses.get(hook.statuses.size() - 1)[0] == 200);
            assertThat(hook.statuses.subList(0, 3)).extracting(a -> a[0]).containsExactly(500, 500, 200);
            assertThat(hook.tokens).containsOnly("tok-" + taskId);
            assertThat(hook.bodies.get(0)).contains(taskId);

            assertThat(client.listTaskPushNotificationConfigurations(
                    new io.a2a.spec.ListTaskPushNotificationConfigParams(taskId), null)).hasSize(1);
            client.deleteTaskPushNotificationConfigurations(
                    new io.a2a.spec.DeleteTaskPushNotificationConfigParams(taskId, "hook-1"), null);
            assertThat(client.listTaskPushNotificationConfigurations(
                    new io.a2a.spec.ListTaskPushNotificationConfigParams(taskId), null)).isEmpty();

            // a webhook that never answers 2xx: the notification ends in the DLQ after the last attempt
            events.clear();
            client.sendMessage(A2A.toUserMessage("this one will not be heard"));
            String lost = ((TaskEvent) events.get(0)).getTask().getId();
            client.setTaskPushNotificationConfiguration(new io.a2a.spec.TaskPushNotificationConfig(lost,
                    new io.a2a.spec.PushNotificationConfig(broken.url(), null, null, null)), null);
            String lostTask = takeOne(agent).path("correlation_id").asText();
            assertThat(update(lostTask, "status", "{\"state\":\"failed\"}").status()).isEqualTo(202);
            await().atMost(60, SECONDS).until(() -> Http.get(NODE1.url("/api/v1/queues/dlq?reason=MAX_ATTEMPTS&limit=100"))
                    .body().contains("a2a-push:" + broken.url()));
            assertThat(broken.statuses).hasSizeGreaterThanOrEqualTo(5);
        }
        client.close();
    }

    @Test
    void badCallsGetTheSpecificationsJsonRpcErrors() {
        String agent = register("strict", "checks");
        String url = NODE1.url("/a2a/" + agent);
        String[][] cases = {
                {"not json", "-32700"},
                {"{\"id\":1,\"method\":\"message/send\"}", "-32600"},
                {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tasks/fly\"}", "-32601"},
                {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"message/send\",\"params\":{\"message\":{\"role\":\"user\","
                        + "\"parts\":[{\"kind\":\"text\",\"text\":\"x\"}]}}}", "-32602"},
                {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tasks/get\",\"params\":{\"id\":\"no-such-task\"}}", "-32001"},
                {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tasks/list\",\"params\":{\"pageSize\":0}}", "-32602"},
                {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"agent/getAuthenticatedExtendedCard\"}", "-32004"},
                {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"message/stream\",\"params\":{}}", "-32602"},
                {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tasks/pushNotificationConfig/set\",\"params\":{\"taskId\":\"t\","
                        + "\"pushNotificationConfig\":{\"url\":\"ftp://x\"}}}", "-32602"},
        };
        for (String[] c : cases) {
            Http.Reply r = Http.post(url, c[0]);
            assertThat(r.status()).as(c[0]).isEqualTo(200);
            assertThat(r.json().path("error").path("code").asText()).as(c[0] + " -> " + r.body()).isEqualTo(c[1]);
            assertThat(r.json().path("jsonrpc").asText()).isEqualTo("2.0");
        }
        Http.Reply unknownAgent = Http.post(NODE1.url("/a2a/nobody-" + UUID.randomUUID().toString().substring(0, 4)),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"message/send\",\"params\":{\"message\":{\"role\":\"user\","
                        + "\"messageId\":\"m1\",\"parts\":[{\"kind\":\"text\",\"text\":\"x\"}]}}}");
        assertThat(unknownAgent.json().path("error").path("data").path("code").asText()).isEqualTo("UNKNOWN_TARGET");
        assertThat(Http.get(NODE1.url("/a2a/nobody/.well-known/agent-card.json")).status()).isEqualTo(404);

        // discovery by capability answers cards an A2A client can use
        JsonNode found = Http.get(NODE1.url("/api/v1/a2a/cards?capability=checks")).json();
        assertThat(found.path("count").asInt()).isEqualTo(1);
        assertThat(found.path("cards").get(0).path("url").asText()).isEqualTo(url);
        assertThat(Http.get(NODE1.url("/api/v1/a2a/cards?limit=0")).status()).isEqualTo(400);

        // the mesh's own card: its skills are its agents' capabilities
        JsonNode mesh = Http.get(NODE1.url("/.well-known/agent-card.json")).json();
        assertThat(mesh.path("skills").findValuesAsText("id")).contains("checks");
        assertThat(mesh.path("capabilities").path("extensions").get(0).path("params").path("agentCard").asText())
                .endsWith("/a2a/{agentId}/.well-known/agent-card.json");
    }
}
