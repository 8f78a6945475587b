package io.agentmesh.service.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The errors Jetty answers itself, before a request reaches the API (a path too long or
 * ambiguous, a malformed request line, headers too large): the mesh's JSON error body instead of
 * an HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ErrorBody.MEDIA_TYPE);
        Content.Sink.write(response, true, body(code, message, Request.getPathInContext(request)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, ErrorBody.MEDIA_TYPE);
        return ByteBuffer.wrap(body(status, reason, null).getBytes(StandardCharsets.UTF_8));
    }

    static String body(int status, String reason, String instance) {
        ErrorCode code = switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_REQUEST;
        };
        String message = switch (status) {
            case 414 -> "the request path is too long";
            case 431 -> "the request headers are too large";
            case 400 -> reason == null || reason.isBlank() ? "bad request" : "bad request: " + reason;
            default -> reason == null || reason.isBlank() ? "HTTP " + status : reason;
        };
        try {
            return JSON.writeValueAsString(ErrorBody.of(code, status, message, instance, Map.of("http_status", status)));
        } catch (JsonProcessingException e) {
            return "{\"code\":\"" + code.name() + "\",\"status\":" + status + "}";
        }
    }
}
