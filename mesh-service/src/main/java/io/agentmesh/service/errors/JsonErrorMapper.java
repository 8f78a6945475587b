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

    @jakarta.ws.rs.core.Context
    private jakarta.ws.rs.core.UriInfo uri;

    @Override
    public Response toResponse(JsonProcessingException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof MeshException mesh) {
                return ErrorResponses.of(mesh, uri);
            }
        }
        return ErrorResponses.of(toMeshException(e, ""), uri);
    }

    /**
     * The 400 for JSON that cannot be read, naming the place; {@code prefix} goes before field
     * names (for one element of a batch, e.g. {@code messages[4].}).
     */
    public static MeshException toMeshException(JsonProcessingException e, String prefix) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (e.getLocation() != null && prefix.isEmpty()) {
            details.put("line", e.getLocation().getLineNr());
            details.put("column", e.getLocation().getColumnNr());
        }
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            details.put("field", prefix + u.getPropertyName());
            message = "unknown field '" + prefix + u.getPropertyName() + "'";
        } else if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = prefix + m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            details.put("field", field);
            message = field + ": " + expected(m);
        } else if (e instanceof JsonParseException) {
            message = "malformed JSON: " + plain(e.getOriginalMessage());
        } else {
            message = (prefix.isEmpty() ? "" : prefix + " ") + "unreadable JSON: " + plain(e.getOriginalMessage());
        }
        return new MeshException(ErrorCode.MALFORMED_JSON, message, details);
    }

    /** What the field should have held, in words a client understands (no Java type names). */
    private static String expected(JsonMappingException m) {
        if (m instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi && mi.getTargetType() != null) {
            Class<?> t = mi.getTargetType();
            if (t == Integer.class || t == int.class || t == Long.class || t == long.class || t == Short.class) {
                return "expected a whole number";
            }
            if (Number.class.isAssignableFrom(t) || t == double.class || t == float.class) {
                return "expected a number";
            }
            if (t == String.class) {
                return "expected text";
            }
            if (t == Boolean.class || t == boolean.class) {
                return "expected true or false";
            }
            if (java.util.Collection.class.isAssignableFrom(t) || t.isArray()) {
                return "expected a list";
            }
            return "expected an object";
        }
        return "wrong type or value";
    }

    /** Jackson's text without the Java names and feature hints it adds for developers. */
    static String plain(String message) {
        if (message == null) {
            return "";
        }
        String first = message.split("\n")[0];
        return first.replaceAll("\\s*\\([^()]*`[^()]*\\)", "").replaceAll("`[^`]*`", "").replaceAll("\\s+", " ").trim();
    }
}
