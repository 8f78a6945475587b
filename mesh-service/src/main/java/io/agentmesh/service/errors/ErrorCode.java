package io.agentmesh.service.errors;

import io.grpc.Status;

/**
 * The one table of failures: each code's HTTP status and gRPC status. Every error answer, REST or
 * gRPC, carries one of these codes.
 */
public enum ErrorCode {
    INVALID_REQUEST(400, Status.Code.INVALID_ARGUMENT),
    MALFORMED_JSON(400, Status.Code.INVALID_ARGUMENT),
    MALFORMED_CLOUDEVENT(400, Status.Code.INVALID_ARGUMENT),
    INVALID_TARGET(400, Status.Code.INVALID_ARGUMENT),
    UNAUTHENTICATED(401, Status.Code.UNAUTHENTICATED),
    FORBIDDEN(403, Status.Code.PERMISSION_DENIED),
    NOT_FOUND(404, Status.Code.NOT_FOUND),
    AGENT_NOT_FOUND(404, Status.Code.NOT_FOUND),
    UNKNOWN_TARGET(404, Status.Code.NOT_FOUND),
    METHOD_NOT_ALLOWED(405, Status.Code.UNIMPLEMENTED),
    NOT_ACCEPTABLE(406, Status.Code.INVALID_ARGUMENT),
    CONFLICT(409, Status.Code.FAILED_PRECONDITION),
    AGENT_ID_TAKEN(409, Status.Code.ALREADY_EXISTS),
    PAYLOAD_TOO_LARGE(413, Status.Code.RESOURCE_EXHAUSTED),
    UNSUPPORTED_MEDIA_TYPE(415, Status.Code.INVALID_ARGUMENT),
    RATE_LIMITED(429, Status.Code.RESOURCE_EXHAUSTED),
    TOO_BUSY(429, Status.Code.RESOURCE_EXHAUSTED),
    REQUEST_TIMEOUT(504, Status.Code.DEADLINE_EXCEEDED),
    KAFKA_UNAVAILABLE(503, Status.Code.UNAVAILABLE),
    DRAINING(503, Status.Code.UNAVAILABLE),
    DEPENDENCY_UNAVAILABLE(503, Status.Code.UNAVAILABLE),
    INTERNAL(500, Status.Code.INTERNAL);

    private final int httpStatus;
    private final Status.Code grpcCode;

    ErrorCode(int httpStatus, Status.Code grpcCode) {
        this.httpStatus = httpStatus;
        this.grpcCode = grpcCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }
}
