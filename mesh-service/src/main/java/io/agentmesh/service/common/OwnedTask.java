package io.agentmesh.service.common;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands a task that owns a resource (a Kafka consumer, a connection) to an executor: if the
 * executor refuses it, the resource is closed here, since the task that would have closed it never runs.
 */
public final class OwnedTask {

    private OwnedTask() {
    }

    /** Runs {@code task} on {@code executor}; on refusal closes {@code owned} and rethrows the refusal. */
    public static void start(Executor executor, AutoCloseable owned, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            try {
                owned.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }
}
