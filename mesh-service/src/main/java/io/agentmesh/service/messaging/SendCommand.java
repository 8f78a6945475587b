package io.agentmesh.service.messaging;

import java.util.Map;

/**
 * A send as received over REST (JSON or structured CloudEvent) or gRPC, not yet validated. Null
 * means absent.
 *
 * @param source     CloudEvents source given by the client (structured mode); derived when null
 * @param extensions further CloudEvents extensions given by the client (structured mode)
 */
public record SendCommand(String to, String from, String type, String id, String correlationId,
                          String key, byte[] payload, String contentType, String source,
                          Map<String, String> extensions) {

    public SendCommand {
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    /** This send with an id: its own, or a new random one when it has none. */
    public SendCommand withIdAssigned() {
        return id != null ? this : new SendCommand(to, from, type, java.util.UUID.randomUUID().toString(),
                correlationId, key, payload, contentType, source, extensions);
    }
}
