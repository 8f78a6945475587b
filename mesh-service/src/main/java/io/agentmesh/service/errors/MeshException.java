package io.agentmesh.service.errors;

import java.util.Map;

/** A failure with a code, a message fit for the caller, and optional machine-readable details. */
public class MeshException extends RuntimeException {

    private final ErrorCode code;
    private final transient Map<String, Object> details;

    public MeshException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public MeshException(ErrorCode code, String message, Map<String, Object> details) {
        this(code, message, details, null);
    }

    public MeshException(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static MeshException invalid(String message) {
        return new MeshException(ErrorCode.INVALID_REQUEST, message);
    }

    public static MeshException invalidField(String field, String message) {
        return new MeshException(ErrorCode.INVALID_REQUEST, field + ": " + message, Map.of("field", field));
    }

    /** This failure with one more detail (same code, message and cause). */
    public MeshException with(String key, Object value) {
        Map<String, Object> more = new java.util.HashMap<>(details);
        more.put(key, value);
        MeshException e = new MeshException(code, getMessage(), more, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** This failure telling the caller when to retry (429s: when the bucket refills). */
    public static MeshException rateLimited(String message, long retryAfterSeconds, Map<String, Object> details) {
        Map<String, Object> more = new java.util.HashMap<>(details);
        more.put("retry_after_seconds", Math.max(1, retryAfterSeconds));
        return new MeshException(ErrorCode.RATE_LIMITED, message, more);
    }

    /**
     * Seconds a client should wait before retrying: 503s and concurrency refusals (TOO_BUSY) 5, rate
     * limits as the limiter says; 0 otherwise.
     */
    public int retryAfterSeconds() {
        if (details.get("retry_after_seconds") instanceof Number n) {
            return n.intValue();
        }
        return code.httpStatus() == 503 || code == ErrorCode.TOO_BUSY ? 5 : 0;
    }
}
