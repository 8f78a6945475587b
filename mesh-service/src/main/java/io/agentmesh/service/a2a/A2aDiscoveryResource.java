package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.registry.AgentView;
import io.agentmesh.service.web.Params;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

/**
 * Discovery by capability that answers A2A AgentCards: the active agents with a capability (and in a
 * namespace), each as the card the mesh serves for it, so an A2A client can talk to any of them.
 */
@Path("/api/v1/a2a/cards")
@Produces(MediaType.APPLICATION_JSON)
public final class A2aDiscoveryResource {

    private final AgentRegistry registry;
    private final ObjectMapper mapper;
    private final boolean secured;

    public A2aDiscoveryResource(AgentRegistry registry, ObjectMapper mapper, boolean secured) {
        this.registry = registry;
        this.mapper = mapper;
        this.secured = secured;
    }

    @GET
    @Allow(Access.AUTHENTICATED)
    public JsonNode cards(@QueryParam("capability") String capability, @QueryParam("namespace") String namespace,
                          @QueryParam("limit") String limit, @Context UriInfo uri) {
        int max = Params.intParam("limit", limit, 20, 1, 100);
        String base = A2aCards.base(uri);
        ObjectNode out = mapper.createObjectNode();
        ArrayNode cards = out.putArray("cards");
        for (AgentView a : registry.list(Params.optional(capability), Params.optional(namespace), max, 0)) {
            if ("active".equals(a.status())) {
                cards.add(A2aCards.agentCard(mapper, registry.card(a.id()), a.id(), base, secured));
            }
        }
        out.put("count", cards.size());
        return out;
    }
}
