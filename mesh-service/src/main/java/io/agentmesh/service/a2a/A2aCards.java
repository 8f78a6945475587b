package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.UriInfo;

/** What every card the mesh serves has: the mesh's capabilities and security, default modes, its base address. */
final class A2aCards {

    private A2aCards() {
    }

    /** An agent's card as the mesh serves it: as registered, pointing at the mesh's binding for it. */
    static ObjectNode agentCard(com.fasterxml.jackson.databind.ObjectMapper mapper, java.util.Map<String, Object> registered,
                                String agentId, String base, boolean secured) {
        ObjectNode card = mapper.valueToTree(registered);
        String url = base + "/a2a/" + agentId;
        card.put("url", url).put("preferredTransport", "JSONRPC").put("protocolVersion", A2aCardResource.PROTOCOL_VERSION);
        ArrayNode interfaces = card.putArray("additionalInterfaces");
        interfaces.addObject().put("url", url).put("transport", "JSONRPC");
        interfaces.addObject().put("url", url).put("transport", "HTTP+JSON");
        if (!card.path("description").isTextual()) {
            card.put("description", card.path("name").asText(agentId) + " (an agent of the mesh)");
        }
        if (!card.path("version").isTextual()) {
            card.put("version", "1.0.0");
        }
        defaultModes(card);
        ArrayNode skills = card.withArray("skills");
        for (JsonNode s : skills) {
            ObjectNode skill = (ObjectNode) s;
            if (!skill.path("name").isTextual()) {
                skill.put("name", skill.path("id").asText());
            }
            if (!skill.path("description").isTextual()) {
                skill.put("description", skill.path("name").asText());
            }
            if (!skill.path("tags").isArray()) {
                skill.putArray("tags").add(skill.path("id").asText());
            }
        }
        meshSide(card, secured);
        return card;
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
