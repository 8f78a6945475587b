package io.agentmesh.service.errors;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/** The error body of every 4xx/5xx answer: {@code {code, message, details}} plus the HTTP status. */
public record ErrorBody(@JsonProperty("code") String code,
                        @JsonProperty("message") String message,
                        @JsonProperty("status") int status,
                        @JsonProperty("details") Map<String, Object> details) {

    public static ErrorBody of(MeshException e) {
        return new ErrorBody(e.code().name(), e.getMessage(), e.code().httpStatus(), e.details());
    }
}
