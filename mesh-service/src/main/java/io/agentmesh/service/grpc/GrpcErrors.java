package io.agentmesh.service.grpc;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * The gRPC side of the one error table: status from {@link ErrorCode}, the mesh code in the
 * {@code mesh-error-code} trailer so clients can branch on it as REST clients do on {@code code}, and
 * the same as the standard rich status (google.rpc.Status with ErrorInfo and RetryInfo) that stock
 * clients read with {@code StatusProto.fromThrowable}.
 */
public final class GrpcErrors {

    public static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("mesh-error-code", Metadata.ASCII_STRING_MARSHALLER);
    /** For failed writes: {@code unknown} (may still land; resend with the same id) or {@code not_written}. */
    public static final Metadata.Key<String> OUTCOME = Metadata.Key.of("mesh-outcome", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> MESSAGE_ID = Metadata.Key.of("mesh-message-id", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> RETRY_PUSHBACK = Metadata.Key.of("grpc-retry-pushback-ms",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.grpc");

    private GrpcErrors() {
    }

    public static StatusRuntimeException toStatus(Throwable t) {
        Throwable cause = KafkaFailures.unwrap(t);
        if (cause instanceof StatusRuntimeException s) {
            return s;
        }
        MeshException e = meshError(cause);
        Metadata trailers = new Metadata();
        trailers.put(ERROR_CODE, e.code().name());
        if (e.retryAfterSeconds() > 0) {
            trailers.put(RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
            if (e.code() == ErrorCode.RATE_LIMITED) {
                // what gRPC's own retry policy reads
                trailers.put(RETRY_PUSHBACK, Long.toString(e.retryAfterSeconds() * 1000L));
            }
        }
        if (e.details().get("outcome") instanceof String outcome) {
            trailers.put(OUTCOME, outcome);
        }
        if (e.details().get("id") instanceof String id) {
            trailers.put(MESSAGE_ID, id);
        }
        return StatusProto.toStatusRuntimeException(richStatus(e), trailers);
    }

    /** The mesh's own error for {@code t}; anything unexpected is logged under an error id the answer quotes. */
    static MeshException meshError(Throwable t) {
        Throwable cause = KafkaFailures.unwrap(t);
        if (cause instanceof MeshException m) {
            return m;
        }
        String errorId = UUID.randomUUID().toString();
        LOG.error("unexpected gRPC error {}", errorId, cause);
        return new MeshException(ErrorCode.INTERNAL, "internal error; quote error id " + errorId);
    }

    /** The domain of every {@code ErrorInfo} the mesh sends. */
    public static final String DOMAIN = "agentmesh.io";

    /**
     * The standard rich status ({@code grpc-status-details-bin}): {@code ErrorInfo} with the mesh code
     * as its reason and the error's string details as metadata, and {@code RetryInfo} when the caller
     * should come back later.
     */
    static com.google.rpc.Status richStatus(MeshException e) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(e.code().name()).setDomain(DOMAIN);
        e.details().forEach((k, v) -> {
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                info.putMetadata(k, String.valueOf(v));
            }
        });
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(e.code().grpcCode().value())
                .setMessage(e.getMessage() == null ? "" : e.getMessage())
                .addDetails(Any.pack(info.build()));
        if (e.retryAfterSeconds() > 0) {
            status.addDetails(Any.pack(RetryInfo.newBuilder()
                    .setRetryDelay(Duration.newBuilder().setSeconds(e.retryAfterSeconds())).build()));
        }
        return status.build();
    }
}
