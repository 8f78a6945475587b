package io.agentmesh.service.errors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Locale;
import java.util.Map;

/**
 * The error body of every 4xx/5xx answer: RFC 9457 problem details ({@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance}; served as {@code application/problem+json}) with
 * the mesh's own members as extensions: {@code code} (the machine-readable error code clients branch
 * on), {@code message} (the same text as {@code detail}, kept for clients written before) and
 * {@code details} (what the error is about, such as the offending {@code field}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(@JsonProperty("type") String type,
                        @JsonProperty("title") String title,
                        @JsonProperty("status") int status,
                        @JsonProperty("detail") String detail,
                        @JsonProperty("instance") String instance,
                        @JsonProperty("code") String code,
                        @JsonProperty("message") String message,
                        @JsonProperty("details") Map<String, Object> details) {

    /** The media type of a problem details body. */
    public static final String MEDIA_TYPE = "application/problem+json";
    /** A problem type is this prefix and the error code: a tag URI (RFC 4151), listed in docs/api.md. */
    public static final String TYPE_PREFIX = "tag:agentmesh.io,2026:error:";

    public static ErrorBody of(MeshException e) {
        return of(e, null);
    }

    /** {@code instance}: the request path the problem occurred on, or null. */
    public static ErrorBody of(MeshException e, String instance) {
        return of(e.code(), e.code().httpStatus(), e.getMessage(), instance, e.details());
    }

    public static ErrorBody of(ErrorCode code, int status, String message, String instance, Map<String, Object> details) {
        return new ErrorBody(TYPE_PREFIX + code.name(), title(code), status, message, instance, code.name(), message,
                details);
    }

    /** The short summary of a problem type: the code in words ({@code UNKNOWN_TARGET} -> "Unknown target"). */
    static String title(ErrorCode code) {
        String words = code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        words = words.replace("cloudevent", "CloudEvent").replace("kafka", "Kafka");
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
