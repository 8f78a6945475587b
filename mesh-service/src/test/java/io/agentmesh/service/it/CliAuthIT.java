package io.agentmesh.service.it;

import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.service.cli.MeshCli;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI against a secured mesh: every command (taken from the CLI's own command tree) works with
 * a token, and says clearly when the token is missing or not enough.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class CliAuthIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(Secured.settings());
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String AGENT = "cli-auth-" + RUN;

    record Run(int exit, String out, String err) {
    }

    private static Run cli(String token, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + MESH.url(""));
        if (token != null) {
            all.add("--token=" + token);
        }
        int exit = MeshCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all.toArray(new String[0]));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** One invocation of each command, in an order where each finds what it needs. */
    private static Map<String, String[]> invocations() {
        Map<String, String[]> calls = new LinkedHashMap<>();
        calls.put("agents register", new String[]{"agents", "register", "--id", AGENT, "--name", "CLI", "--capability", "cli-" + RUN});
        calls.put("agents list", new String[]{"agents", "list"});
        calls.put("agents heartbeat", new String[]{"agents", "heartbeat", "--id", AGENT});
        calls.put("agents health", new String[]{"agents", "health", "--id", AGENT});
        calls.put("discover", new String[]{"discover", "--capability", "cli-" + RUN});
        calls.put("send", new String[]{"send", "--to", "agent:" + AGENT, "--payload", "{\"n\":1}"});
        calls.put("broadcast", new String[]{"broadcast", "--payload", "{\"n\":2}"});
        calls.put("queue status", new String[]{"queue", "status"});
        calls.put("queue retry", new String[]{"queue", "retry", "--dlq", "--target", "agent:nobody-" + RUN, "--dry-run"});
        calls.put("dlq list", new String[]{"dlq", "list"});
        calls.put("dlq replays", new String[]{"dlq", "replays"});
        calls.put("replay", new String[]{"replay", "--agent", AGENT, "--from", "2026-01-01T00:00:00Z", "--to",
                "2099-01-01T00:00:00Z"});
        calls.put("export", new String[]{"export", "--since", "2026-01-01T00:00:00Z"});
        calls.put("cluster status", new String[]{"cluster", "status"});
        calls.put("cluster nodes", new String[]{"cluster", "nodes"});
        calls.put("cluster elect", new String[]{"cluster", "elect"});
        calls.put("cluster reconcile", new String[]{"cluster", "reconcile"});
        calls.put("cluster resync", new String[]{"cluster", "resync"});
        calls.put("auth whoami", new String[]{"auth", "whoami"});
        calls.put("auth issue", new String[]{"auth", "issue", "--name", "cli-" + RUN, "--role", "viewer"});
        calls.put("auth list", new String[]{"auth", "list"});
        calls.put("auth rotate", new String[]{"auth", "rotate", AGENT});
        calls.put("auth audit", new String[]{"auth", "audit", "--limit", "5"});
        calls.put("auth revoke", new String[]{"auth", "revoke", "REVOKE_ID"});
        calls.put("taps create", new String[]{"taps", "create", "cli-" + RUN, "--payload", "drop", "--retention", "10s"});
        calls.put("taps list", new String[]{"taps", "list"});
        calls.put("taps describe", new String[]{"taps", "describe", "cli-" + RUN});
        calls.put("taps tail", new String[]{"taps", "tail", "cli-" + RUN, "-n", "1", "--wait", "1s"});
        calls.put("taps backfill", new String[]{"taps", "backfill", "cli-" + RUN, "--from", "2026-01-01T00:00:00Z"});
        calls.put("taps delete", new String[]{"taps", "delete", "cli-" + RUN});
        calls.put("agents deregister", new String[]{"agents", "deregister", "--id", AGENT});
        return calls;
    }

    private static void leaves(CommandLine cmd, String prefix, TreeSet<String> into) {
        if (cmd.getSubcommands().isEmpty()) {
            into.add(prefix.strip());
            return;
        }
        cmd.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                leaves(sub, prefix + " " + name, into);
            }
        });
    }

    @Test
    void everyCommandWorksWithAToken() {
        TreeSet<String> commands = new TreeSet<>();
        leaves(new CommandLine(new MeshCli()), "", commands);
        Map<String, String[]> calls = invocations();
        assertThat(calls.keySet()).as("a call for every CLI command").containsExactlyInAnyOrderElementsOf(commands);

        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, String[]> call : calls.entrySet()) {
            String[] args = call.getValue();
            if (call.getKey().equals("auth revoke")) {
                Run list = cli(Secured.ADMIN_TOKEN, "auth", "list", "--kind", "operator", "-o", "json");
                String id = null;
                for (var c : Http.JSON.valueToTree(parse(list.out())).path("credentials")) {
                    if (c.path("subject").asText().equals("cli-" + RUN)) {
                        id = c.path("id").asText();
                    }
                }
                args = new String[]{"auth", "revoke", id};
            }
            Run r = cli(Secured.ADMIN_TOKEN, args);
            if (r.exit() != 0) {
                failed.add(call.getKey() + ": exit " + r.exit() + " " + r.err().strip());
            }
        }
        assertThat(failed).isEmpty();
    }

    private static Object parse(String json) {
        try {
            return Http.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @Test
    void aMissingOrInsufficientTokenIsSaidPlainly() {
        Run none = cli(null, "cluster", "status");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("401 UNAUTHENTICATED").contains("no token sent")
                .contains("--token").contains("$MESH_TOKEN");

        Run wrong = cli("mko_" + "y".repeat(43), "agents", "list");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("401").contains("unknown or revoked").contains("the token from --token was refused");

        String viewer = Secured.issue(MESH, "cli-viewer-" + RUN, "viewer");
        Run forbidden = cli(viewer, "cluster", "elect");
        assertThat(forbidden.exit()).isEqualTo(1);
        assertThat(forbidden.err()).contains("403 FORBIDDEN").contains("needs the operator role")
                .contains("valid but lacks the right");
        Run json = cli(viewer, "cluster", "elect", "-o", "json");
        assertThat(Http.JSON.valueToTree(parse(json.out())).path("error").path("code").asText()).isEqualTo("FORBIDDEN");

        Run me = cli(viewer, "auth", "whoami");
        assertThat(me.exit()).isZero();
        assertThat(me.out()).contains("operator cli-viewer-" + RUN + " (role viewer)");
    }
}
