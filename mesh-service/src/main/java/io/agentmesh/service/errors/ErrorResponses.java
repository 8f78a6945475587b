package io.agentmesh.service.errors;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** Renders a MeshException as the HTTP answer every mapper gives: problem details (RFC 9457). */
public final class ErrorResponses {

    public static final MediaType PROBLEM_JSON = MediaType.valueOf(ErrorBody.MEDIA_TYPE);

    private ErrorResponses() {
    }

    public static Response of(MeshException e) {
        return of(e, (String) null);
    }

    /** {@code uri}: the request's, for the problem's {@code instance}; may be null outside a request. */
    public static Response of(MeshException e, UriInfo uri) {
        return of(e, e.code().httpStatus(), uri);
    }

    /** With an HTTP status other than the code's own (Jersey's refusals keep theirs). */
    public static Response of(MeshException e, int status, UriInfo uri) {
        return of(e, status, instance(uri));
    }

    public static Response of(MeshException e, String instance) {
        return of(e, e.code().httpStatus(), instance);
    }

    private static Response of(MeshException e, int status, String instance) {
        Response.ResponseBuilder b = Response.status(status)
                .type(PROBLEM_JSON)
                .entity(ErrorBody.of(e.code(), status, e.getMessage(), instance, e.details()));
        if (e.retryAfterSeconds() > 0) {
            b.header("Retry-After", e.retryAfterSeconds());
        }
        if (e.code() == ErrorCode.UNAUTHENTICATED) {
            b.header("WWW-Authenticate", "Bearer realm=\"agent-mesh\"");
        }
        return b.build();
    }

    /** The request path, as the problem's {@code instance}. */
    public static String instance(UriInfo uri) {
        try {
            return uri == null ? null : uri.getRequestUri().getRawPath();
        } catch (RuntimeException outsideARequest) {
            return null; // the proxy has no request bound: leave instance out
        }
    }
}
