package io.agentmesh.streams.envelope;

/**
 * Header names on mesh topics. Messages use the CloudEvents Kafka binding in binary mode, so
 * attributes are {@code ce_}-prefixed headers; mesh extensions follow the CloudEvents naming rule
 * (lower-case letters and digits).
 */
public final class MeshHeaders {

    public static final String CE_PREFIX = "ce_";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String CONTENT_TYPE = "content-type";

    /** Extension names (without the ce_ prefix), as set on a CloudEvent. */
    public static final String EXT_TO = "meshto";
    public static final String EXT_FROM = "meshfrom";
    public static final String EXT_TARGET = "meshtarget";
    public static final String EXT_CORRELATION_ID = "correlationid";
    public static final String EXT_REPLY_TO = "replyto";
    public static final String EXT_EXPIRES_AT = "expiresat";
    public static final String EXT_ATTEMPT = "attempt";
    public static final String EXT_TRACEPARENT = "traceparent";
    /** Anycast strategy for this message: round-robin, least-loaded or consistent-hash. */
    public static final String EXT_STRATEGY = "meshstrategy";
    /** Per-message override of the retry policy's max attempts (1-100). */
    public static final String EXT_MAX_ATTEMPTS = "meshmaxattempts";
    /** Per-message override of the retry policy's initial delay, in milliseconds (10-3600000). */
    public static final String EXT_RETRY_DELAY_MS = "meshretrydelayms";
    /** Per-target delivery id, set by the router: "<message id>/<agent id>". */
    public static final String EXT_DELIVERY = "meshdelivery";

    public static final String TO = CE_PREFIX + EXT_TO;
    public static final String FROM = CE_PREFIX + EXT_FROM;
    /** The agent this copy was routed to (set by the router on every inbox record). */
    public static final String TARGET = CE_PREFIX + EXT_TARGET;
    public static final String CORRELATION_ID = CE_PREFIX + EXT_CORRELATION_ID;
    public static final String DELIVERY = CE_PREFIX + EXT_DELIVERY;
    /** Set on copies delivered after a retry: the attempt that delivered them (2, 3, ...). */
    public static final String ATTEMPT = CE_PREFIX + EXT_ATTEMPT;
    /** On a replayed dead letter: the dead letter it is ({@code <partition>-<offset>} on the DLQ). */
    public static final String REPLAY_OF = CE_PREFIX + "meshreplayof";
    /**
     * On a replayed dead letter: {@code <replay id>/<dead letter>}. The router deduplicates a replay by
     * it instead of by the message id, which its first delivery may have left in the window.
     */
    public static final String REPLAY = CE_PREFIX + "meshreplay";

    /** Dead-letter headers, added to the original headers on {@code mesh.dlq}. */
    public static final String DLQ_REASON = "mesh_dlq_reason";
    public static final String DLQ_ERROR = "mesh_dlq_error";
    public static final String DLQ_ATTEMPTS = "mesh_dlq_attempts";
    public static final String DLQ_ORIGIN = "mesh_dlq_origin";
    public static final String DLQ_TIME = "mesh_dlq_time";
    /** For MAX_ATTEMPTS: the reason of the last failed attempt. */
    public static final String DLQ_CAUSE = "mesh_dlq_cause";
    public static final String DLQ_FIRST_FAILURE = "mesh_dlq_first_failure";
    public static final String DLQ_LAST_FAILURE = "mesh_dlq_last_failure";

    private MeshHeaders() {
    }
}
