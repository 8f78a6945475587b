package io.agentmesh.service.common;

/** Told how far a long operation has got: {@code done} of at most {@code total} (0 when unknown yet). */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (done, total) -> { };

    void progress(long done, long total);
}
