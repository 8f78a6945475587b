package io.agentmesh.service.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code mesh export}: the message log as NDJSON, to stdout or a file, with a running count on a terminal. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export the message log (one JSON event per line: routed, retry_scheduled, dead_lettered, …).")
final class ExportCommand implements Runnable {

    @ParentCommand
    MeshCli root;

    @Option(names = "--since", description = "RFC 3339 time, e.g. 2026-11-28T10:00:00Z (default: all retained)")
    String since;

    @Option(names = "--until", description = "RFC 3339 time (default: now)")
    String until;

    @Option(names = {"-f", "--file"}, description = "Write here instead of stdout")
    Path file;

    @Override
    public void run() {
        long start = System.nanoTime();
        boolean terminal = System.console() != null && file != null;
        try (PrintStream out = file == null ? null : new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            PrintStream sink = out == null ? root.out : out;
            long[] count = {0};
            long total = root.client().getLines("/api/v1/messages/export", MeshClient.query("since", since, "until", until),
                    line -> {
                        sink.println(line);
                        if (terminal && ++count[0] % 500 == 0) {
                            root.err.print("\r" + Progress.line("exported", count[0], 0, (System.nanoTime() - start) / 1_000_000_000L));
                            root.err.flush();
                        }
                    });
            sink.flush();
            if (file != null) {
                root.err.println((terminal ? "\r" : "") + "exported " + total + " events to " + file);
            }
        } catch (IOException e) {
            throw new CliFailure(CliFailure.USAGE, "cannot write " + file + ": " + e.getMessage());
        }
    }
}
