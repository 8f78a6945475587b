package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The A2A gateway on a secured mesh: a task is its client's, its agent's and the operators'; nobody else's. */
@ExtendWith(DropwizardExtensionsSupport.class)
class A2aSecuredIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(Secured.settings());
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static String send(String token, String agent, String messageId) {
        Http.Reply r = Secured.post(MESH.url("/a2a/" + agent), token, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"message/send\","
                + "\"params\":{\"message\":{\"role\":\"user\",\"kind\":\"message\",\"messageId\":\"" + messageId
                + "\",\"parts\":[{\"kind\":\"text\",\"text\":\"hello\"}]}}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("error").isMissingNode()).as(r.body()).isTrue();
        return r.json().path("result").path("id").asText();
    }

    private static JsonNode rpc(String token, String agent, String method, String taskId) {
        return Secured.post(MESH.url("/a2a/" + agent), token, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"" + method
                + "\",\"params\":{\"id\":\"" + taskId + "\"}}").json();
    }

    @Test
    void aTaskIsItsClientsItsAgentsAndTheOperatorsOnly() {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String worker = "a2a-worker-" + run;
        String workerKey = Secured.register(MESH, Secured.ADMIN_TOKEN, worker).path("api_key").asText();
        String alice = Secured.register(MESH, Secured.ADMIN_TOKEN, "a2a-alice-" + run).path("api_key").asText();
        String bob = Secured.register(MESH, Secured.ADMIN_TOKEN, "a2a-bob-" + run).path("api_key").asText();

        // the card is public and says what a call needs
        JsonNode card = Http.get(MESH.url("/a2a/" + worker + "/.well-known/agent-card.json")).json();
        assertThat(card.path("securitySchemes").path("mesh").path("scheme").asText()).isEqualTo("bearer");
        assertThat(Http.post(MESH.url("/a2a/" + worker), "{}").status()).isEqualTo(401);

        // the same messageId from two clients is two tasks
        String messageId = "m-" + run;
        String alicesTask = send(alice, worker, messageId);
        String bobsTask = send(bob, worker, messageId);
        assertThat(bobsTask).isNotEqualTo(alicesTask);
        assertThat(send(alice, worker, messageId)).as("alice's resend is her task again").isEqualTo(alicesTask);

        // bob can neither see nor cancel alice's task, nor add to it
        assertThat(rpc(bob, worker, "tasks/get", alicesTask).path("error").path("code").asInt()).isEqualTo(-32001);
        assertThat(rpc(bob, worker, "tasks/cancel", alicesTask).path("error").path("code").asInt()).isEqualTo(-32001);
        Http.Reply intrude = Secured.post(MESH.url("/a2a/" + worker), bob, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
                + "\"message/send\",\"params\":{\"message\":{\"role\":\"user\",\"kind\":\"message\",\"messageId\":\"x-" + run
                + "\",\"taskId\":\"" + alicesTask + "\",\"parts\":[{\"kind\":\"text\",\"text\":\"fail it\"}]}}}");
        assertThat(intrude.json().path("error").path("code").asInt()).isEqualTo(-32001);
        assertThat(rpc(alice, worker, "tasks/get", alicesTask).path("result").path("status").path("state").asText())
                .as("nothing bob did changed it").isEqualTo("submitted");

        // only the task's agent (or an operator) answers it
        assertThat(Secured.post(MESH.url("/api/v1/a2a/tasks/" + alicesTask + "/status"), bob, "{\"state\":\"failed\"}")
                .status()).isEqualTo(403);
        assertThat(Secured.get(MESH.url("/api/v1/a2a/tasks/" + alicesTask), bob).status()).isEqualTo(404);
        Http.Reply done = Secured.post(MESH.url("/api/v1/a2a/tasks/" + alicesTask + "/status"), workerKey,
                "{\"state\":\"completed\"}");
        assertThat(done.status()).as(done.body()).isEqualTo(202);
        assertThat(rpc(alice, worker, "tasks/get", alicesTask).path("result").path("status").path("state").asText())
                .isEqualTo("completed");
        assertThat(rpc(Secured.ADMIN_TOKEN, worker, "tasks/get", alicesTask).path("result").path("id").asText())
                .isEqualTo(alicesTask);
    }
}
