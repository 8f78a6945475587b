package io.agentmesh.service.errors;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Renders a MeshException as the HTTP answer every mapper gives. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static Response of(MeshException e) {
        Response.ResponseBuilder b = Response.status(e.code().httpStatus())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.of(e));
        if (e.retryAfterSeconds() > 0) {
            b.header("Retry-After", e.retryAfterSeconds());
        }
        if (e.code() == ErrorCode.UNAUTHENTICATED) {
            b.header("WWW-Authenticate", "Bearer realm=\"agent-mesh\"");
        }
        return b.build();
    }
}
