package io.agentmesh.service.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CompletionTest {

    @Test
    void theCompletionScriptKnowsTheCliAndTheLaunchersVerbs() throws Exception {
        String script = Completion.bash();
        assertThat(script).contains("complete -F _complete_mesh");
        // the top-level commands: the CLI's and the launcher's
        String root = script.substring(script.indexOf("function _picocli_mesh() {"));
        String top = root.lines().filter(l -> l.strip().startsWith("local commands=")).findFirst().orElseThrow();
        assertThat(top.split("\"")[1].split(" ")).contains("agents", "queue", "dlq", "dev", "server", "start", "test",
                "bench", "completion", "install");
        // options of a CLI command and of a launcher verb, and the components of start
        assertThat(script).contains("_picocli_mesh_queue_retry()", "--dlq", "--dry-run", "_picocli_mesh_dev()", "--auth",
                "--tls", "_picocli_mesh_start()", "(\"api\" \"grpc\" \"discovery\" \"all\")");
        // bash accepts it
        Path file = Files.createTempFile("mesh-completion", ".bash");
        Files.writeString(file, script);
        Process p = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    @Test
    void theLauncherHandsEveryCliCommandToTheCli() throws Exception {
        String launcher = Files.readString(Path.of("../mesh"));
        String cases = launcher.lines().filter(l -> l.strip().startsWith("agents|") && l.strip().endsWith(")"))
                .findFirst().orElseThrow(() -> new AssertionError("./mesh has no case line for the CLI's commands"));
        java.util.Set<String> handed = java.util.Set.of(cases.strip().replace(")", "").split("\\|"));
        java.util.Set<String> cli = new picocli.CommandLine(new MeshCli()).getSubcommands().keySet();
        assertThat(handed).as("the CLI's commands that ./mesh passes on").containsAll(
                cli.stream().filter(c -> !c.equals("help") && !c.equals("completion")).toList());
    }
}
