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

    CliFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
