package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.UriInfo;

/** What every card the mesh serves has: the mesh's capabilities and security, default modes, its base address. */
final class A2aCards {

    private A2aCards() {
    }

    /** What the mesh provides and asks for, whatever the agent registered. */
    static void meshSide(ObjectNode card, boolean secured) {
        ObjectNode caps = card.putObject("capabilities");
        caps.put("streaming", true).put("pushNotifications", true).put("stateTransitionHistory", false);
        if (secured) {
            card.putObject("securitySchemes").putObject("mesh").put("type", "http").put("scheme", "bearer")
                    .put("description", "an agent api_key or an operator token of the mesh");
            card.putArray("security").addObject().putArray("mesh");
        } else {
            card.remove("securitySchemes");
            card.remove("security");
        }
    }

    static void defaultModes(ObjectNode card) {
        if (!card.path("defaultInputModes").isArray()) {
            card.putArray("defaultInputModes").add("text/plain").add("application/json");
        }
        if (!card.path("defaultOutputModes").isArray()) {
            card.putArray("defaultOutputModes").add("text/plain").add("application/json");
        }
    }

    static String base(UriInfo uri) {
        String b = uri.getBaseUri().toString();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }
}
