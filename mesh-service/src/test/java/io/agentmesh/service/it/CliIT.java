package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.service.cli.MeshCli;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The operator CLI against a running mesh: output, --output json, exit codes for refusals and an unreachable mesh. */
@ExtendWith(DropwizardExtensionsSupport.class)
class CliIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Http.JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + MESH.url(""));
        int exit = MeshCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                all.toArray(new String[0]));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void runbookCommandsWorkAgainstAMesh() {
        String id = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        String ns = "ns-" + id;
        Run reg = cli("agents", "register", "--id", id, "--name", "CLI agent", "--endpoint", "http://localhost:3001",
                "--namespace", ns, "--capability", "summarize", "--capability", "cli-test");
        assertThat(reg.exit()).as(reg.err()).isZero();
        assertThat(reg.out()).contains("registered " + id);

        Run list = cli("agents", "list", "--namespace", ns);
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("NAME", "STATUS", "CAPABILITIES");
        assertThat(list.out()).contains(id, "CLI agent", "active", "summarize,cli-test");
        Run listJson = cli("agents", "list", "--namespace", ns, "--output", "json");
        assertThat(listJson.json().path("agents").get(0).path("id").asText()).isEqualTo(id);

        Run discover = cli("discover", "--capability", "cli-test", "--refresh");
        assertThat(discover.exit()).as(discover.err()).isZero();
        assertThat(discover.out()).contains("cache rebuilt", id);

        Run health = cli("agents", "health", "--id", id);
        assertThat(health.exit()).isZero();
        assertThat(health.out()).contains("agent_id: " + id, "status: ");

        Run sent = cli("send", "--to", "agent:" + id, "--payload", "{\"task\":\"x\"}", "--from", "operator");
        assertThat(sent.exit()).as(sent.err()).isZero();
        assertThat(sent.out()).startsWith("accepted ");
        String messageId = sent.out().split(" ")[1];
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/agents/" + id + "/messages?wait=2")).ids()
                .contains(messageId));
        assertThat(cli("broadcast", "--payload", "\"hello all\"").exit()).isZero();

        Run status = cli("cluster", "status");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("leader: ", "nodes: 1", "partition_suspected: false");
        Run nodes = cli("cluster", "nodes");
        assertThat(nodes.out()).contains("NODE", "true");
        assertThat(cli("cluster", "reconcile").out()).contains("agents_checked: ");
        assertThat(cli("cluster", "elect").exit()).isZero();
        assertThat(cli("queue", "status").out()).contains("depth");
        assertThat(cli("dlq", "list", "--target", "nobody").out()).contains("DLQ_ID", "(none)");
        Run dryRun = cli("queue", "retry", "--dlq", "--target", "nobody", "--dry-run");
        assertThat(dryRun.exit()).as(dryRun.err()).isZero();

        Run gone = cli("agents", "deregister", "--id", id);
        assertThat(gone.exit()).isZero();
        assertThat(gone.out()).contains("deregistered " + id);
    }

    @Test
    void failuresExitNonZeroWithOneLineReasons() {
        Run missing = cli("agents", "health", "--id", "nobody-" + UUID.randomUUID().toString().substring(0, 6));
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err().strip()).startsWith("mesh: 404 AGENT_NOT_FOUND:").doesNotContain("\n");

        Run badId = cli("agents", "register", "--id", "Bad_Id", "--name", "x");
        assertThat(badId.exit()).isEqualTo(1);
        assertThat(badId.err()).contains("400 INVALID_REQUEST", "id");

        Run badPayload = cli("send", "--to", "broadcast", "--payload", "not json");
        assertThat(badPayload.exit()).isEqualTo(2);
        assertThat(badPayload.err()).contains("--payload is not JSON");

        Run noFilter = cli("queue", "retry", "--dlq");
        assertThat(noFilter.exit()).isEqualTo(2);

        Run usage = cli("agents", "register");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required option: '--name");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int down = MeshCli.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                "cluster", "status", "--url", "http://127.0.0.1:" + Ports.free());
        assertThat(down).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("mesh: cannot reach the mesh at http://127.0.0.1:");

        Run help = cli("agents", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("register", "deregister", "health", "list");
    }
}
