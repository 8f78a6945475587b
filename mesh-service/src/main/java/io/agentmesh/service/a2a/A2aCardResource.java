package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.web.Params;
import io.agentmesh.service.registry.AgentRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.util.Map;

/**
 * An agent's A2A AgentCard as the mesh serves it: as the agent registered it, with its interface
 * pointing at the mesh's JSON-RPC binding for it and what the mesh provides and asks for. Public, as
 * A2A discovery expects; the security schemes say what a call then needs.
 */
@Path("/a2a/{agentId}/.well-known/agent-card.json")
@Produces(MediaType.APPLICATION_JSON)
public final class A2aCardResource {

    /** The A2A protocol version the cards declare. */
    static final String PROTOCOL_VERSION = "0.3.0";

    private final AgentRegistry registry;
    private final ObjectMapper mapper;
    private final boolean secured;

    public A2aCardResource(AgentRegistry registry, ObjectMapper mapper, boolean secured) {
        this.registry = registry;
        this.mapper = mapper;
        this.secured = secured;
    }

    @GET
    @Allow(Access.PUBLIC)
    public JsonNode agentCard(@PathParam("agentId") String agentId, @Context UriInfo uri) {
        return A2aCards.agentCard(mapper, registry.card(Params.agentId(agentId)), agentId, A2aCards.base(uri), secured);
    }

}
