package io.agentmesh.service.it;

import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's kcat line, as written there, reads an agent's inbox: run against this mesh (its
 * broker, topic prefix and an agent of its own), it prints the message's CloudEvents headers and
 * its payload. Needs Debian's kcat (.ci/run installs it).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReadmeKcatIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    /** The kcat command line of the README's "Reading an inbox straight from Kafka", as arguments. */
    static List<String> readmeKcat() throws Exception {
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.startsWith("kcat ")) {
                return split(line);
            }
        }
        throw new AssertionError("README.md has no line starting with 'kcat '");
    }

    /** Shell-like splitting with single quotes (no escapes inside them, as the README writes them). */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any || cur.length() > 0) {
                    out.add(cur.toString());
                }
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
            }
        }
        if (any || cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    @Test
    void theReadmesKcatLinePrintsTheHeadersAndThePayload() throws Exception {
        String agent = "kcat-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"K\"}").status()).isEqualTo(201);
        Http.Reply sent = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"agent:" + agent + "\",\"from\":\"planner\","
                + "\"type\":\"task.created\",\"payload\":{\"task\":\"draft the intro\"}}");
        assertThat(sent.status()).isEqualTo(202);
        String id = sent.json().path("id").asText();
        org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() ->
                Http.get(MESH.url("/api/v1/messages/" + id)).body().contains("\"routed\""));

        List<String> cmd = new ArrayList<>();
        for (String arg : readmeKcat()) {
            String a = arg.replace("127.0.0.1:9092", TestInfra.get().bootstrapServers())
                    .replace("mesh.agent.writer", MESH.topic("agent." + agent));
            cmd.add(a.equals("writer") ? agent : a);
        }
        // the README's kcat keeps reading; here it stops at the end of the inbox
        cmd.add(1, "-e");
        assertThat(cmd.get(0)).isEqualTo("kcat");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(output).as(String.join(" ", cmd) + "\n" + output)
                .contains("headers: ", "ce_id=" + id, "ce_type=task.created", "ce_meshfrom=planner")
                .contains("payload: {\"task\":\"draft the intro\"}");
    }
}
