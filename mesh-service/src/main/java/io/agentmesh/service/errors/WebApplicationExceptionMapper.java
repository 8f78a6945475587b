package io.agentmesh.service.errors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Map;

/** Jersey's own refusals (unknown path, wrong method, wrong content type) in the mesh's error body. */
@Provider
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @jakarta.ws.rs.core.Context
    private jakarta.ws.rs.core.UriInfo uri;

    @Override
    public Response toResponse(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        ErrorCode code = switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_REQUEST;
        };
        String message = switch (code) {
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported Content-Type; send application/json"
                    + " (or application/cloudevents+json for a structured CloudEvent)";
            case NOT_FOUND -> "no such resource";
            default -> e.getMessage();
        };
        return ErrorResponses.of(new MeshException(code, message, Map.of("http_status", status)), status, uri);
    }
}
