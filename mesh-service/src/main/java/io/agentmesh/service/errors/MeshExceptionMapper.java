package io.agentmesh.service.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Provider
public final class MeshExceptionMapper implements ExceptionMapper<MeshException> {

    @jakarta.ws.rs.core.Context
    private jakarta.ws.rs.core.UriInfo uri;

    private static final Logger LOG = LoggerFactory.getLogger(MeshExceptionMapper.class);

    @Override
    public Response toResponse(MeshException e) {
        if (e.code().httpStatus() >= 500) {
            LOG.warn("{}: {}", e.code(), e.getMessage());
        }
        return ErrorResponses.of(e, uri);
    }
}
