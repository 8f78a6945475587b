package io.agentmesh.service.errors;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Malformed JSON, unknown fields and wrong-typed fields: 400 naming the place. */
@Provider
public final class JsonErrorMapper implements ExceptionMapper<JsonProcessingException> {

    @Override
    public Response toResponse(JsonProcessingException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof MeshException mesh) {
                return ErrorResponses.of(mesh);
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        if (e.getLocation() != null) {
            details.put("line", e.getLocation().getLineNr());
            details.put("column", e.getLocation().getColumnNr());
        }
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            details.put("field", u.getPropertyName());
            message = "unknown field '" + u.getPropertyName() + "'";
        } else if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            details.put("field", field);
            message = field + ": wrong type or value (" + m.getOriginalMessage().split("\n")[0] + ")";
        } else if (e instanceof JsonParseException) {
            message = "malformed JSON: " + e.getOriginalMessage();
        } else {
            message = "unreadable JSON: " + e.getOriginalMessage();
        }
        return ErrorResponses.of(new MeshException(ErrorCode.MALFORMED_JSON, message, details));
    }
}
