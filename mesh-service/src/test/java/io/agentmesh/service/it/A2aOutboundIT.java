package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.a2a.A2A;
import io.a2a.client.Client;
import io.a2a.client.ClientEvent;
import io.a2a.client.TaskEvent;
import io.a2a.client.config.ClientConfig;
import io.a2a.client.transport.jsonrpc.JSONRPCTransport;
import io.a2a.client.transport.jsonrpc.JSONRPCTransportConfig;
import io.a2a.spec.AgentCard;
import io.a2a.spec.DataPart;
import io.a2a.spec.Task;
import io.a2a.spec.TaskQueryParams;
import io.a2a.spec.TaskState;
import io.a2a.spec.Message;
import io.a2a.spec.SendMessageRequest;
import io.a2a.spec.TextPart;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outbound A2A: an agent outside the mesh, registered by the URL of its A2A server (a minimal one
 * started here, reading the mesh's calls with the A2A SDK's own types), receives mesh messages as
 * A2A calls, and its answers come back to the sender's inbox.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class A2aOutboundIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(
            MeshApp.set("routing.retryInitialDelay", "100ms"),
            MeshApp.set("routing.retryMaxDelay", "200ms"),
            MeshApp.set("routing.maxAttempts", "4"),
            MeshApp.set("messages.pushTimeout", "2s"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Http.Reply registerRemote(String id, String url) {
        return Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"delivery\":\"a2a\",\"endpoint\":\"" + url
                + "\",\"namespace\":\"outside\"}");
    }

    private static String registerPull(String prefix) {
        String id = prefix + "-" + tag();
        Http.Reply r = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"" + prefix + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return id;
    }

    private static void send(String from, String to, String id, String type, String payload) {
        Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"agent:" + to + "\",\"from\":\"" + from
                + "\",\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"payload\":" + payload + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }

    /** Every message in the agent's inbox within a few seconds after {@code count} arrived, acknowledged. */
    private static List<JsonNode> inbox(String agent, int count) {
        List<JsonNode> got = new ArrayList<>();
        await().atMost(60, SECONDS).until(() -> {
            Http.Reply r = Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?wait=2&max=50"));
            r.json().path("messages").forEach(got::add);
            if (!r.json().path("messages").isEmpty()) {
                Http.post(MESH.url("/api/v1/agents/" + agent + "/messages/ack"), "{\"offsets\":" + r.json().path("ack") + "}");
            }
            return got.size() >= count;
        });
        return got;
    }

    private static SendMessageRequest sent(A2aServerStub server, String messageId) {
        return server.sends.stream().filter(s -> s.getParams().message().getMessageId().equals(messageId)).findFirst()
                .orElseThrow();
    }

    @Test
    void aMeshAgentCallsAnA2aAgentOutsideTheMeshAndGetsItsAnswers() throws Exception {
        try (A2aServerStub server = new A2aServerStub()) {
            String remote = "echo-" + tag();
            Http.Reply reg = registerRemote(remote, server.base());
            assertThat(reg.status()).as(reg.body()).isEqualTo(201);
            JsonNode agent = reg.json();
            // the card, fetched from the server's well-known path, fills the registration
            assertThat(agent.path("delivery").asText()).isEqualTo("a2a");
            assertThat(agent.path("endpoint").asText()).isEqualTo(server.base() + "/rpc");
            assertThat(agent.path("name").asText()).isEqualTo("Echo");
            assertThat(agent.path("capabilities").toString()).contains("\"echo\"");
            assertThat(agent.path("metadata").path("a2a_card_url").asText())
                    .isEqualTo(server.base() + "/.well-known/agent-card.json");
            // discoverable like any agent, and its card is served by the mesh
            assertThat(Http.get(MESH.url("/api/v1/discover?capability=echo")).body()).contains(remote);
            JsonNode card = Http.get(MESH.url("/a2a/" + remote + "/.well-known/agent-card.json")).json();
            assertThat(card.path("name").asText()).isEqualTo("Echo");
            assertThat(card.path("url").asText()).isEqualTo(MESH.url("/a2a/" + remote));
            // the mesh delivers its messages: nobody else reads its inbox
            Http.Reply read = Http.get(MESH.url("/api/v1/agents/" + remote + "/messages"));
            assertThat(read.status()).isEqualTo(409);
            assertThat(read.json().path("details").path("delivery").asText()).isEqualTo("a2a");

            String asker = registerPull("asker");
            String t = tag();
            // an A2A message as data, and plain JSON (one data part); the second fails twice first
            send(asker, remote, "m1-" + t, "question", "{\"parts\":[{\"kind\":\"text\",\"text\":\"hello\"}]}");
            server.failNext.set(2);
            send(asker, remote, "m2-" + t, "question", "{\"city\":\"Lisbon\"}");

            List<JsonNode> answers = inbox(asker, 2);
            assertThat(answers).extracting(a -> a.path("type").asText()).containsOnly("a2a.result");
            assertThat(answers).extracting(a -> a.path("from").asText()).containsOnly(remote);
            JsonNode first = answers.stream().filter(a -> a.path("correlation_id").asText().equals("m1-" + t)).findFirst()
                    .orElseThrow();
            assertThat(first.path("payload").path("kind").asText()).isEqualTo("task");
            assertThat(first.path("payload").path("status").path("state").asText()).isEqualTo("completed");
            assertThat(first.path("payload").path("artifacts").get(0).path("parts").get(0).path("text").asText())
                    .isEqualTo("echo: hello");
            JsonNode second = answers.stream().filter(a -> a.path("correlation_id").asText().equals("m2-" + t)).findFirst()
                    .orElseThrow();
            assertThat(second.path("payload").path("artifacts").get(0).path("parts").get(0).path("text").asText())
                    .isEqualTo("echo: {\"city\":\"Lisbon\"}");

            // what the server received, read by the SDK: the mesh's message id is the A2A messageId, so
            // the two failed calls and their retries were the same messages to it
            assertThat(server.sends.stream().map(s -> s.getParams().message().getMessageId()))
                    .containsExactlyInAnyOrder("m1-" + t, "m2-" + t);
            assertThat(server.calls).hasSize(4);
            assertThat(server.calls.stream().map(c -> c.path("params").path("message").path("messageId").asText()).distinct())
                    .containsExactlyInAnyOrder("m1-" + t, "m2-" + t);
            Message m1 = sent(server, "m1-" + t).getParams().message();
            assertThat(m1.getRole()).isEqualTo(Message.Role.USER);
            assertThat(((TextPart) m1.getParts().get(0)).getText()).isEqualTo("hello");
            assertThat(m1.getMetadata()).extractingByKey("agentmesh").asString().contains(asker);
            SendMessageRequest s2 = sent(server, "m2-" + t);
            assertThat(((DataPart) s2.getParams().message().getParts().get(0)).getData()).containsEntry("city", "Lisbon");
            assertThat(s2.getParams().configuration().blocking()).isTrue();

            // tasks/get on the server through the mesh, and its error for a task it does not know
            String taskId = first.path("payload").path("id").asText();
            send(asker, remote, "g1-" + t, "a2a.tasks.get", "{\"id\":\"" + taskId + "\"}");
            send(asker, remote, "g2-" + t, "a2a.tasks.get", "{\"id\":\"no-such-task\"}");
            List<JsonNode> got = inbox(asker, 2);
            JsonNode task = got.stream().filter(a -> a.path("correlation_id").asText().equals("g1-" + t)).findFirst().orElseThrow();
            assertThat(task.path("type").asText()).isEqualTo("a2a.result");
            assertThat(task.path("payload").path("id").asText()).isEqualTo(taskId);
            JsonNode missing = got.stream().filter(a -> a.path("correlation_id").asText().equals("g2-" + t)).findFirst().orElseThrow();
            assertThat(missing.path("type").asText()).isEqualTo("a2a.error");
            assertThat(missing.path("payload").path("code").asInt()).isEqualTo(-32001);

            // nothing more: each message was answered once, retries included
            assertThat(Http.get(MESH.url("/api/v1/agents/" + asker + "/messages?wait=2")).json().path("messages")).isEmpty();
            // a JSON string is text to the server
            send(asker, remote, "txt-" + t, "question", "\"plain words\"");
            await().atMost(30, SECONDS).until(() -> server.sends.stream()
                    .anyMatch(s -> s.getParams().message().getMessageId().equals("txt-" + t)));
            assertThat(((TextPart) sent(server, "txt-" + t).getParams().message().getParts().get(0)).getText())
                    .isEqualTo("plain words");
            inbox(asker, 1);
            // an agent behind an A2A server messaging itself: its answer is not called out again (no loop)
            int before = server.calls.size();
            send(remote, remote, "self-" + t, "question", "{\"q\":1}");
            await().atMost(30, SECONDS).until(() -> server.calls.size() > before);
            Thread.sleep(3000);
            assertThat(server.calls).hasSize(before + 1);
            // a call the server cannot take (no task id to get) is dead-lettered, not retried
            send(asker, remote, "bad-" + t, "a2a.tasks.get", "{\"task\":1}");
            await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/queues/dlq?target=" + remote)).body()
                    .contains("bad-" + t));
        }
    }

    @Test
    void anA2aClientReachesTheAgentOutsideTheMeshThroughTheMeshGateway() throws Exception {
        try (A2aServerStub server = new A2aServerStub()) {
            String remote = "echo-" + tag();
            assertThat(registerRemote(remote, server.base()).status()).isEqualTo(201);
            // an off-the-shelf client finds the agent on the mesh, and the mesh calls the server for it
            AgentCard card = A2A.getAgentCard(MESH.url(""), "/a2a/" + remote + "/.well-known/agent-card.json", null);
            List<ClientEvent> events = new CopyOnWriteArrayList<>();
            Client client = Client.builder(card)
                    .clientConfig(new ClientConfig.Builder().setStreaming(false).build())
                    .withTransport(JSONRPCTransport.class, new JSONRPCTransportConfig())
                    .addConsumer((event, c) -> events.add(event)).build();
            Message question = A2A.toUserMessage("bonjour");
            client.sendMessage(question);
            assertThat(events).hasSize(1);
            Task task = ((TaskEvent) events.get(0)).getTask();
            assertThat(task.getStatus().state()).isEqualTo(TaskState.COMPLETED);
            assertThat(((TextPart) task.getArtifacts().get(0).parts().get(0)).getText()).isEqualTo("echo: bonjour");
            // the server got the client's message under its own id, without the mesh's task ids
            Message received = sent(server, question.getMessageId()).getParams().message();
            assertThat(received.getTaskId()).isNull();
            assertThat(((TextPart) received.getParts().get(0)).getText()).isEqualTo("bonjour");
            // the mesh's task remembers the server's, and serves it again
            Task again = client.getTask(new TaskQueryParams(task.getId(), 10), null);
            assertThat(again.getStatus().state()).isEqualTo(TaskState.COMPLETED);
            assertThat(again.getMetadata()).extractingByKey("agentmesh").asString()
                    .contains("task-" + question.getMessageId());
            client.close();
        }
    }

    @Test
    void theLeaderRefreshesTheCardWhichKeepsTheAgentAliveAndUpdatesItsSkills() {
        try (A2aServerStub server = new A2aServerStub()) {
            String remote = "echo-" + tag();
            assertThat(registerRemote(remote, server.base() + "/.well-known/agent-card.json").status()).isEqualTo(201);
            server.skill.set("translate");
            await().atMost(60, SECONDS).untilAsserted(() -> {
                JsonNode a = Http.get(MESH.url("/api/v1/agents/" + remote)).json();
                assertThat(a.path("capabilities").toString()).contains("\"translate\"").doesNotContain("\"echo\"");
                assertThat(a.path("seen_via").asText()).isEqualTo("a2a");
            });
            assertThat(Http.get(MESH.url("/a2a/" + remote + "/.well-known/agent-card.json")).json().path("skills")
                    .get(0).path("id").asText()).isEqualTo("translate");
        }
    }

    @Test
    void aServerWithoutAUsableCardIsRefusedAtRegistration() {
        try (A2aServerStub server = new A2aServerStub()) {
            Http.Reply none = registerRemote("nocard-" + tag(), server.base() + "/elsewhere/card.json");
            assertThat(none.status()).as(none.body()).isEqualTo(400);
            assertThat(none.json().path("details").path("field").asText()).isEqualTo("endpoint");
            assertThat(none.json().path("message").asText()).contains("HTTP 404");
            // a card that sends the mesh's calls to a cloud metadata address is refused (outbound rules)
            server.rpcUrl.set("http://169.254.169.254/latest");
            Http.Reply ssrf = registerRemote("meta-" + tag(), server.base());
            assertThat(ssrf.status()).as(ssrf.body()).isEqualTo(400);
            assertThat(ssrf.json().path("details").path("field").asText()).isEqualTo("endpoint");
        }
        Http.Reply down = registerRemote("down-" + tag(), "http://127.0.0.1:" + Ports.free());
        assertThat(down.status()).as(down.body()).isEqualTo(400);
        assertThat(down.json().path("message").asText()).contains("cannot fetch the agent card");
        // the A2A applications' consumer groups are the mesh's: no agent (whose group is its id) may take them
        for (String group : List.of(MESH.prefix() + "-router-a2a-tasks", MESH.prefix() + "-router-a2a-push")) {
            Http.Reply taken = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + group + "\",\"name\":\"x\"}");
            assertThat(taken.status()).as(taken.body()).isEqualTo(400);
            assertThat(taken.json().path("details").path("field").asText()).isEqualTo("id");
        }
        Http.Reply missing = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"x-" + tag() + "\",\"name\":\"x\",\"delivery\":\"a2a\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("details").path("field").asText()).isEqualTo("endpoint");
    }
}
