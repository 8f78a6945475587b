package io.agentmesh.service.messaging;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.rw.CloudEventRWException;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Reads a structured-mode CloudEvent (application/cloudevents+json) into a send. */
public final class StructuredEvents {

    private static final JsonFormat FORMAT = new JsonFormat();
    private static final com.fasterxml.jackson.databind.ObjectMapper SPEC_READER = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Set<String> MESH_OWNED = Set.of(MeshHeaders.EXT_TO, MeshHeaders.EXT_FROM,
            MeshHeaders.EXT_CORRELATION_ID, MeshHeaders.EXT_TARGET, MeshHeaders.EXT_DELIVERY, MeshHeaders.EXT_ATTEMPT,
            "partitionkey", "meshreplay", "meshreplayof");

    private StructuredEvents() {
    }

    public static SendCommand toCommand(byte[] body) {
        if (body == null || body.length == 0) {
            throw new MeshException(ErrorCode.MALFORMED_CLOUDEVENT, "request body is required");
        }
        requireSpecVersion(body);
        CloudEvent event;
        try {
            event = FORMAT.deserialize(body);
        } catch (EventDeserializationException | CloudEventRWException | IllegalStateException e) {
            throw new MeshException(ErrorCode.MALFORMED_CLOUDEVENT, "not a CloudEvents 1.0 JSON event: "
                    + rootMessage(e));
        }
        Map<String, String> extensions = new HashMap<>();
        for (String name : event.getExtensionNames()) {
            if (!MESH_OWNED.contains(name)) {
                extensions.put(name, String.valueOf(event.getExtension(name)));
            }
        }
        return new SendCommand(ext(event, MeshHeaders.EXT_TO), ext(event, MeshHeaders.EXT_FROM), event.getType(),
                event.getId(), ext(event, MeshHeaders.EXT_CORRELATION_ID), ext(event, "partitionkey"),
                event.getData() == null ? null : event.getData().toBytes(),
                event.getDataContentType(), event.getSource().toString(), extensions);
    }

    /** Only CloudEvents 1.0: an event of another version is refused, not rewritten. */
    private static void requireSpecVersion(byte[] body) {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = SPEC_READER.readTree(body);
        } catch (java.io.IOException e) {
            throw new MeshException(ErrorCode.MALFORMED_CLOUDEVENT, "not a CloudEvents 1.0 JSON event: malformed JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw new MeshException(ErrorCode.MALFORMED_CLOUDEVENT, "not a CloudEvents 1.0 JSON event: not a JSON object");
        }
        com.fasterxml.jackson.databind.JsonNode version = tree.get("specversion");
        if (version == null || !version.isTextual() || !"1.0".equals(version.asText())) {
            throw new MeshException(ErrorCode.MALFORMED_CLOUDEVENT, "specversion must be \"1.0\" (got "
                    + (version == null ? "none" : version.toString()) + ")", java.util.Map.of("field", "specversion"));
        }
    }

    private static String ext(CloudEvent event, String name) {
        Object v = event.getExtension(name);
        return v == null ? null : v.toString();
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
