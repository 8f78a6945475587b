package io.agentmesh.tools.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A document the harnesses generate, with a hand-written part that survives regeneration:
 * everything below the line {@value #KEEP} in the existing file is kept.
 */
public final class GeneratedDoc {

    public static final String KEEP = "<!-- analysis: kept across runs -->";

    private GeneratedDoc() {
    }

    public static void write(Path file, String generated) throws IOException {
        String kept = "\n";
        if (Files.exists(file)) {
            String old = Files.readString(file);
            int at = old.indexOf(KEEP);
            if (at >= 0) {
                kept = old.substring(at + KEEP.length());
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, generated + (generated.endsWith("\n") ? "" : "\n") + "\n" + KEEP + kept,
                StandardCharsets.UTF_8);
    }
}
