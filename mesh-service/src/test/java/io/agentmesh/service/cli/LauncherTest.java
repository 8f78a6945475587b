package io.agentmesh.service.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's own verbs that need no running mesh: the runbook's "start specific components" map
 * to {@code server --roles ...}, and {@code install} puts a working {@code mesh} on a PATH.
 */
class LauncherTest {

    private static final Path LAUNCHER = Path.of("../mesh").toAbsolutePath().normalize();

    private record Run(int exit, String output) {
    }

    private static Run run(Path cwd, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void eachRunbookComponentIsAServerWithItsRoles() throws Exception {
        Path cwd = LAUNCHER.getParent();
        for (String[] c : new String[][]{{"api", "api,router"}, {"grpc", "grpc"}, {"discovery", "monitor"},
                {"all", "api,grpc,router,monitor"}}) {
            // a config that is not there stops it before anything starts, after it said what it runs
            Run r = run(cwd, "start", c[0], "no-such-config.yml");
            assertThat(r.exit()).as(r.output()).isEqualTo(2);
            assertThat(r.output()).contains("mesh start " + c[0] + ": ./mesh server no-such-config.yml --roles " + c[1],
                    "config file 'no-such-config.yml' not found");
        }
        Run none = run(cwd, "start");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.output()).contains("name a component: api", "grpc", "discovery");
    }

    @Test
    void installLinksTheLauncherIntoADirectoryOnThePath() throws Exception {
        Path dir = Files.createTempDirectory("mesh-bin-");
        Path cwd = Files.createTempDirectory("mesh-cwd-");
        Run r = run(cwd, "install", "bin");
        assertThat(r.exit()).as(r.output()).isZero();
        Path link = cwd.resolve("bin/mesh");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(link.toRealPath()).isEqualTo(LAUNCHER.toRealPath());
        // called through the link, it finds its repository
        Process help = new ProcessBuilder(link.toString(), "help").directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("Agent Mesh launcher", "./mesh start api|grpc|discovery|all");
    }
}
