package io.agentmesh.service.registry;

import java.util.List;
import java.util.Map;

/**
 * A registration as received over REST or gRPC, not yet validated. Null means absent. {@code card}
 * is an A2A AgentCard; its name, url and skills fill what the registration leaves out.
 */
public record RegisterCommand(String id, String name, String namespace, List<String> capabilities,
                              String endpoint, Map<String, Object> metadata, String owner,
                              Long heartbeatTtlMs, Map<String, Object> card, String delivery, String healthUrl) {

    public RegisterCommand(String id, String name, String namespace, List<String> capabilities,
                           String endpoint, Map<String, Object> metadata) {
        this(id, name, namespace, capabilities, endpoint, metadata, null, null, null, null, null);
    }

    public RegisterCommand withNamespace(String newNamespace) {
        return new RegisterCommand(id, name, newNamespace, capabilities, endpoint, metadata, owner, heartbeatTtlMs, card,
                delivery, healthUrl);
    }

    public RegisterCommand withOwner(String newOwner) {
        return new RegisterCommand(id, name, namespace, capabilities, endpoint, metadata, newOwner, heartbeatTtlMs, card,
                delivery, healthUrl);
    }

    public RegisterCommand withId(String newId) {
        return new RegisterCommand(newId, name, namespace, capabilities, endpoint, metadata, owner, heartbeatTtlMs, card,
                delivery, healthUrl);
    }
}
