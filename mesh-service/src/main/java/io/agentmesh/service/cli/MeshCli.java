package io.agentmesh.service.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * The operator CLI ({@code ./mesh agents list}, {@code ./mesh cluster status}, …): the runbook's
 * {@code buildkit mesh} commands, talking to a mesh over REST. Exit codes: 0 done, 1 the mesh
 * refused (its error code and message are printed), 2 bad arguments, 3 the mesh is unreachable.
 */
@Command(name = "mesh", mixinStandardHelpOptions = true, version = "agent-mesh 0.1.0",
        description = "Operate an Agent Mesh over its REST API.",
        subcommands = {AgentsCommand.class, DiscoverCommand.class, SendCommand.class, BroadcastCommand.class,
                QueueCommand.class, DlqCommand.class, ReplayCommand.class, ExportCommand.class, ClusterCommand.class,
                AuthCommand.class, TapsCommand.class})
public final class MeshCli {

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The mesh's REST address (default: $MESH_URL, else http://localhost:3005).")
    String url;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "table|json",
            description = "table (default) or json (for scripts).")
    Output.Format output = Output.Format.table;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS",
            description = "How long to wait for an answer (default 60).")
    int timeoutSeconds = 60;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "The credential to send (default: $MESH_TOKEN, else the file $MESH_TOKEN_FILE or ~/.mesh/token).")
    String token;

    PrintStream out = System.out;
    PrintStream err = System.err;

    MeshClient client() {
        String base = url != null ? url : System.getenv().getOrDefault("MESH_URL", "http://localhost:3005");
        if (timeoutSeconds < 1) {
            throw new CliFailure(CliFailure.USAGE, "--timeout must be at least 1 second");
        }
        return new MeshClient(base, Duration.ofSeconds(timeoutSeconds), Tokens.find(token));
    }

    Output output() {
        return new Output(out, output);
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command line; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        MeshCli root = new MeshCli();
        root.out = out;
        root.err = err;
        CommandLine cli = new CommandLine(root);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        OneLineUsageErrors.on(cli);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            CliFailure f = e instanceof CliFailure c ? c : new CliFailure(CliFailure.MESH_ERROR, e.toString());
            err.println("mesh: " + f.getMessage());
            if (root.output == Output.Format.json) {
                // scripts reading stdout get the error as JSON too
                new Output(out, Output.Format.json).raw(f.json());
            }
            return f.exitCode();
        });
        return cli.execute(args);
    }
}
