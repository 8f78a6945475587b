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

        String shortLived = id + "-ttl";
        Run withTtl = cli("agents", "register", "--id", shortLived, "--name", "Short", "--ttl", "90s",
                "--health-url", "http://127.0.0.1:1/health");
        assertThat(withTtl.exit()).as(withTtl.err()).isZero();
        JsonNode registered = Http.get(MESH.url("/api/v1/agents/" + shortLived)).json();
        assertThat(registered.path("heartbeat_ttl_ms").asLong()).isEqualTo(90_000);
        assertThat(registered.path("health_url").asText()).isEqualTo("http://127.0.0.1:1/health");
        Run beat = cli("agents", "heartbeat", "--id", shortLived);
        assertThat(beat.exit()).as(beat.err()).isZero();
        assertThat(beat.out()).contains(shortLived + " is active", "expires 90 s after");
        assertThat(Http.get(MESH.url("/api/v1/agents/" + shortLived)).json().path("seen_via").asText()).isEqualTo("rest");
        Run badTtl = cli("agents", "register", "--id", shortLived, "--name", "Short", "--ttl", "soon");
        assertThat(badTtl.exit()).isEqualTo(2);
        assertThat(badTtl.err()).contains("--ttl: 'soon' is not a duration");

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
        Run queues = cli("queue", "status");
        assertThat(queues.out()).contains("depth: ");
        assertThat(queues.out().lines().filter(l -> l.startsWith("TOPIC")).findFirst()).isPresent()
                .hasValueSatisfying(header -> assertThat(header).contains("KIND", "MESSAGES"));
        assertThat(queues.out()).as("a table, not a JSON line").doesNotContain("[{");
        assertThat(cli("dlq", "list", "--target", "nobody").out()).contains("DLQ_ID", "(none)");
        Run dryRun = cli("queue", "retry", "--dlq", "--target", "nobody", "--dry-run");
        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("would_replay: 0");
        String operator = "ops-" + id;
        Run real = cli("queue", "retry", "--dlq", "--target", "nobody", "--operator", operator);
        assertThat(real.exit()).as(real.err()).isZero();
        // the runbook's own line: no filter means every dead letter not yet replayed
        Run runbook = cli("queue", "retry", "--dlq", "--dry-run");
        assertThat(runbook.exit()).as(runbook.err()).isZero();
        assertThat(runbook.out()).contains("would_replay: ", "left: ");
        Run audit = cli("dlq", "replays");
        assertThat(audit.exit()).as(audit.err()).isZero();
        assertThat(audit.out()).contains("REPLAY", operator);
        assertThat(Http.get(MESH.url("/api/v1/queues/dlq/replays")).json().path("replays").get(0).path("requested_by")
                .asText()).isEqualTo(operator);

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

        Run noDlq = cli("queue", "retry");
        assertThat(noDlq.exit()).isEqualTo(2);

        Run usage = cli("agents", "register");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("mesh: Missing required option: '--name", "Try 'mesh agents register --help'.")
                .doesNotContain("Usage:");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int down = MeshCli.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                "cluster", "status", "--url", "http://127.0.0.1:" + Ports.free());
        assertThat(down).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("mesh: cannot reach the mesh at http://127.0.0.1:");

        ByteArrayOutputStream badUrlErr = new ByteArrayOutputStream();
        int badUrl = MeshCli.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(badUrlErr, true,
                StandardCharsets.UTF_8), "cluster", "status", "--url", "notaurl");
        assertThat(badUrl).as("a bad argument, not a failure of the mesh").isEqualTo(2);
        assertThat(badUrlErr.toString(StandardCharsets.UTF_8)).contains("--url: 'notaurl' is not an http(s) URL")
                .doesNotContain("Exception");

        Run jsonError = cli("agents", "health", "--id", "nobody-" + UUID.randomUUID().toString().substring(0, 6),
                "--output", "json");
        assertThat(jsonError.exit()).isEqualTo(1);
        assertThat(jsonError.json().path("error").path("code").asText()).isEqualTo("AGENT_NOT_FOUND");
        assertThat(jsonError.json().path("exit_code").asInt()).isEqualTo(1);

        Run help = cli("agents", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("register", "deregister", "health", "list");
    }

    @Test
    void replayReportsProgressAndExportStreamsTheLog() throws Exception {
        String id = "replay-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(cli("agents", "register", "--id", id, "--name", "R").exit()).isZero();
        String from = java.time.Instant.now().minusSeconds(5).toString();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"agent:" + id + "\",\"key\":\"k\",\"payload\":" + i + "}");
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            sent.add(r.json().path("id").asText());
        }
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/agents/" + id + "/messages?max=100&wait=2")).ids()
                .containsAll(sent));
        String to = java.time.Instant.now().plusSeconds(1).toString();

        // over HTTP with Accept: application/x-ndjson: progress lines, then the result
        Http.Reply stream = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        MESH.url("/api/v1/agents/" + id + "/replay")))
                .header("Content-Type", "application/json").header("Accept", "application/x-ndjson")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"from\":\"" + from + "\",\"to\":\"" + to
                        + "\",\"max\":20}")));
        assertThat(stream.status()).as(stream.body()).isEqualTo(200);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : stream.body().split("\n")) {
            lines.add(Http.JSON.readTree(line));
        }
        assertThat(lines.get(0).path("progress").path("total").asLong()).isEqualTo(20);
        JsonNode lastProgress = lines.get(lines.size() - 2).path("progress");
        assertThat(lastProgress.path("done").asLong()).isEqualTo(20);
        JsonNode result = lines.get(lines.size() - 1).path("result");
        assertThat(result.path("replayed").asInt()).isEqualTo(20);
        assertThat(result.path("more").asBoolean()).isTrue();

        // bad input is a plain 400 before any stream
        Http.Reply bad = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        MESH.url("/api/v1/agents/" + id + "/replay")))
                .header("Content-Type", "application/json").header("Accept", "application/x-ndjson")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"from\":\"" + to + "\",\"to\":\"" + from + "\"}")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("details").path("field").asText()).isEqualTo("to");

        // the CLI uses the progress stream (the bar shows on a terminal only) and prints the result
        Run replay = cli("replay", "--agent", id, "--from", from, "--to", to, "--max", "5", "--output", "json");
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.json().path("replayed").asInt()).isEqualTo(5);
        assertThat(cli("replay", "--agent", "nobody-" + id, "--from", from, "--to", to).err())
                .contains("404 AGENT_NOT_FOUND");

        java.nio.file.Path file = java.nio.file.Files.createTempFile("mesh-export-", ".ndjson");
        Run export = cli("export", "--since", from, "--file", file.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        List<String> exported = java.nio.file.Files.readAllLines(file);
        assertThat(export.err()).contains("exported " + exported.size() + " events to " + file);
        List<String> routedIds = new ArrayList<>();
        for (String line : exported) {
            JsonNode e = Http.JSON.readTree(line);
            if ("routed".equals(e.path("event").asText())) {
                routedIds.add(e.path("id").asText());
            }
        }
        assertThat(routedIds).containsAll(sent);
        Run toStdout = cli("export", "--since", from);
        assertThat(toStdout.out().lines().count()).isGreaterThanOrEqualTo(exported.size());
    }
}
