package io.agentmesh.service.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the CLI's credential comes from: --token, $MESH_TOKEN, $MESH_TOKEN_FILE, ~/.mesh/token, in that order. */
final class Tokens {

    /** The token (null: none) and where it came from, for messages. */
    record Found(String value, String source) {
    }

    private Tokens() {
    }

    static Found find(String option) {
        if (option != null && !option.isBlank()) {
            return new Found(option.strip(), "--token");
        }
        String env = System.getenv("MESH_TOKEN");
        if (env != null && !env.isBlank()) {
            return new Found(env.strip(), "$MESH_TOKEN");
        }
        String file = System.getenv("MESH_TOKEN_FILE");
        if (file != null && !file.isBlank()) {
            return read(Path.of(file), "$MESH_TOKEN_FILE (" + file + ")", true);
        }
        return read(Path.of(System.getProperty("user.home"), ".mesh", "token"), "~/.mesh/token", false);
    }

    private static Found read(Path file, String source, boolean required) {
        if (!Files.isRegularFile(file)) {
            if (required) {
                throw new CliFailure(CliFailure.USAGE, source + " does not exist");
            }
            return new Found(null, null);
        }
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            return value.isEmpty() ? new Found(null, null) : new Found(value, source);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.USAGE, "cannot read " + source + ": " + e.getMessage());
        }
    }
}
