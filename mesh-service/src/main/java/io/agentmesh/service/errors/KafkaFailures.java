package io.agentmesh.service.errors;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns what a Kafka client throws into a {@link MeshException} a caller can act on. */
public final class KafkaFailures {

    private KafkaFailures() {
    }

    public static MeshException translate(Throwable t, String action) {
        Throwable cause = unwrap(t);
        if (cause instanceof MeshException m) {
            return m;
        }
        if (cause instanceof RecordTooLargeException) {
            return new MeshException(ErrorCode.PAYLOAD_TOO_LARGE,
                    action + ": record larger than Kafka accepts", java.util.Map.of(), cause);
        }
        if (cause instanceof TimeoutException || cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof RetriableException
                || cause instanceof org.apache.kafka.common.KafkaException && cause.getMessage() != null
                && cause.getMessage().contains("closed")) {
            return new MeshException(ErrorCode.KAFKA_UNAVAILABLE,
                    action + ": Kafka did not confirm in time (" + cause.getClass().getSimpleName() + ")",
                    java.util.Map.of(), cause);
        }
        if (cause instanceof AuthorizationException) {
            return new MeshException(ErrorCode.KAFKA_UNAVAILABLE, action + ": not authorized by Kafka",
                    java.util.Map.of(), cause);
        }
        return new MeshException(ErrorCode.KAFKA_UNAVAILABLE, action + ": " + cause.getMessage(),
                java.util.Map.of(), cause);
    }

    /** {@code details.outcome} of a failed write: Kafka surely does not have the record. */
    public static final String NOT_WRITTEN = "not_written";
    /** {@code details.outcome} of a failed write: Kafka did not confirm in time; the record may still land. */
    public static final String UNKNOWN = "unknown";

    /**
     * A write that failed after the producer took the record: unless Kafka refused it outright (too
     * large, not authorized), it may have been written although no acknowledgement came, so the
     * outcome is {@value #UNKNOWN}; the caller resends with the same id and dedupe absorbs a copy.
     */
    public static MeshException failedWrite(Throwable t, String action) {
        MeshException e = translate(t, action);
        Throwable cause = unwrap(t);
        boolean refused = e.code() == ErrorCode.PAYLOAD_TOO_LARGE || cause instanceof AuthorizationException
                || cause instanceof org.apache.kafka.common.errors.InvalidTopicException;
        return e.with("outcome", refused ? NOT_WRITTEN : UNKNOWN);
    }

    /** A write the producer would not take (no metadata in time, closed): nothing was sent. */
    public static MeshException refusedWrite(Throwable t, String action) {
        return translate(t, action).with("outcome", NOT_WRITTEN);
    }

    /** Waits for a Kafka write; its failure becomes a MeshException (503 / 413). */
    public static <T> T await(java.util.concurrent.CompletableFuture<T> write, String action) {
        try {
            return write.join();
        } catch (CompletionException e) {
            throw translate(e, action);
        }
    }

    /** Waits for all these writes; the first failure becomes a MeshException. */
    public static void awaitAll(java.util.Collection<? extends java.util.concurrent.CompletableFuture<?>> writes,
                                String action) {
        await(java.util.concurrent.CompletableFuture.allOf(writes.toArray(new java.util.concurrent.CompletableFuture[0])),
                action);
    }

    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExecutionException || c instanceof CompletionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
