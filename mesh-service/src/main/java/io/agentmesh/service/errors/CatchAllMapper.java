package io.agentmesh.service.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;

/** Anything unforeseen: logged with an error id, answered 500 in the mesh's error body. */
@Provider
public final class CatchAllMapper implements ExceptionMapper<Throwable> {

    @jakarta.ws.rs.core.Context
    private jakarta.ws.rs.core.UriInfo uri;

    private static final Logger LOG = LoggerFactory.getLogger(CatchAllMapper.class);

    @Override
    public Response toResponse(Throwable t) {
        Throwable cause = KafkaFailures.unwrap(t);
        if (cause instanceof MeshException m) {
            return ErrorResponses.of(m, uri);
        }
        String errorId = UUID.randomUUID().toString();
        LOG.error("unexpected error {}", errorId, t);
        return ErrorResponses.of(new MeshException(ErrorCode.INTERNAL,
                "internal error; quote error id " + errorId, Map.of("error_id", errorId)), uri);
    }
}
