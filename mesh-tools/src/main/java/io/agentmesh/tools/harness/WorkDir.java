package io.agentmesh.tools.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A harness's scratch directory (broker logs, ZooKeeper, state stores, process output): removed
 * when the run went well, kept (and said where) when it did not, for the logs.
 */
public final class WorkDir {

    private final Path path;

    private WorkDir(Path path) {
        this.path = path;
    }

    public static WorkDir create(String prefix) throws IOException {
        return new WorkDir(Files.createTempDirectory(prefix));
    }

    public Path path() {
        return path;
    }

    /** Deletes the directory when {@code ok}; otherwise says on stderr where the logs are. */
    public void finish(boolean ok) {
        if (!ok) {
            System.err.println("Logs and data kept under " + path);
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("Could not remove " + path + ": " + e.getMessage());
        }
    }
}
