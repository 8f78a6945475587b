package io.agentmesh.service.cli;

/** A command that cannot finish: the one-line reason and the exit code. */
final class CliFailure extends RuntimeException {

    /** The mesh answered with an error (4xx / 5xx). */
    static final int MESH_ERROR = 1;
    /** Bad arguments. */
    static final int USAGE = 2;
    /** The mesh could not be reached. */
    static final int UNREACHABLE = 3;

    private final int exitCode;
    private final com.fasterxml.jackson.databind.JsonNode body;

    CliFailure(int exitCode, String message) {
        this(exitCode, message, null);
    }

    /** {@code body}: the mesh's error body, when the mesh answered with one. */
    CliFailure(int exitCode, String message, com.fasterxml.jackson.databind.JsonNode body) {
        super(message);
        this.exitCode = exitCode;
        this.body = body;
    }

    int exitCode() {
        return exitCode;
    }

    /** The error as JSON for --output json: the mesh's error body, or one made for the CLI's own errors. */
    com.fasterxml.jackson.databind.JsonNode json() {
        com.fasterxml.jackson.databind.node.ObjectNode out = MeshClient.JSON.createObjectNode();
        if (body != null && body.has("code")) {
            out.set("error", body);
        } else {
            com.fasterxml.jackson.databind.node.ObjectNode e = out.putObject("error");
            e.put("code", exitCode == USAGE ? "USAGE" : exitCode == UNREACHABLE ? "UNREACHABLE" : "MESH_ERROR");
            e.put("message", getMessage());
        }
        out.put("exit_code", exitCode);
        return out;
    }
}
