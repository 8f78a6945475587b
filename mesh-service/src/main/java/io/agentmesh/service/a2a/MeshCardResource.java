package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.registry.AgentView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.util.TreeSet;

/**
 * The mesh's own A2A AgentCard at {@code /.well-known/agent-card.json}: its skills are the
 * capabilities of the active agents it fronts, and a discovery extension says where each agent's
 * card is and how to find agents by capability.
 */
@Path("/.well-known/agent-card.json")
@Produces(MediaType.APPLICATION_JSON)
public final class MeshCardResource {

    static final String DISCOVERY_EXTENSION = "https://agentmesh.io/a2a/extensions/discovery/v1";

    private final AgentRegistry registry;
    private final ObjectMapper mapper;
    private final boolean secured;

    public MeshCardResource(AgentRegistry registry, ObjectMapper mapper, boolean secured) {
        this.registry = registry;
        this.mapper = mapper;
        this.secured = secured;
    }

    @GET
    @Allow(Access.PUBLIC)
    public JsonNode meshCard(@Context UriInfo uri) {
        String base = A2aCards.base(uri);
        ObjectNode card = mapper.createObjectNode().put("name", "Agent Mesh")
                .put("description", "A Kafka-backed mesh of agents. Each skill is a capability some of its agents have; "
                        + "each agent has its own card at /a2a/{agentId}/.well-known/agent-card.json.")
                .put("url", base + "/a2a").put("version", "0.1.0").put("protocolVersion", A2aCardResource.PROTOCOL_VERSION)
                .put("preferredTransport", "JSONRPC");
        A2aCards.defaultModes(card);
        TreeSet<String> capabilities = new TreeSet<>();
        for (int offset = 0; ; offset += 1000) {
            var page = registry.list(null, null, 1000, offset);
            page.stream().filter(a -> "active".equals(a.status())).map(AgentView::capabilities)
                    .forEach(c -> capabilities.addAll(c == null ? java.util.List.of() : c));
            if (page.size() < 1000 || offset > 100_000) {
                break;
            }
        }
        ArrayNode skills = card.putArray("skills");
        for (String c : capabilities) {
            skills.addObject().put("id", c).put("name", c).put("description", "Agents of the mesh with capability " + c)
                    .putArray("tags").add(c);
        }
        A2aCards.meshSide(card, secured);
        ObjectNode ext = ((ObjectNode) card.path("capabilities")).putArray("extensions").addObject()
                .put("uri", DISCOVERY_EXTENSION)
                .put("description", "Find agents by capability and fetch their cards from the mesh")
                .put("required", false);
        ext.putObject("params").put("agentCard", base + "/a2a/{agentId}/.well-known/agent-card.json")
                .put("discover", base + "/api/v1/discover?capability={capability}");
        return card;
    }
}
