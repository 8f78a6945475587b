package io.agentmesh.service.delivery;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The gRPC delivery streams of this node, grouped by peer connection, with each agent's session
 * (read-ahead buffer, unacked); reset ends them all (clients reconnect; nothing unacked is lost).
 */
@Path("/api/v1/grpc/connections")
@Produces(MediaType.APPLICATION_JSON)
public final class GrpcConnectionsResource {

    private final InboxSessions sessions;

    public GrpcConnectionsResource(InboxSessions sessions) {
        this.sessions = sessions;
    }

    @GET
    @Allow(Access.VIEWER)
    public Map<String, Object> list() {
        List<StreamInfo> streams = sessions.streams();
        Map<String, List<StreamInfo>> byPeer = streams.stream()
                .collect(Collectors.groupingBy(StreamInfo::peer, TreeMap::new, Collectors.toList()));
        List<Map<String, Object>> connections = byPeer.entrySet().stream().map(e -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("peer", e.getKey());
            c.put("streams", e.getValue());
            c.put("messages", e.getValue().stream().mapToLong(StreamInfo::messages).sum());
            c.put("bytes", e.getValue().stream().mapToLong(StreamInfo::bytes).sum());
            return c;
        }).toList();
        Map<String, Object> agents = new TreeMap<>();
        sessions.agents().forEach(a -> agents.put(a, sessions.sessionStats(a)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connections", connections);
        out.put("count", connections.size());
        out.put("streams", streams.size());
        out.put("agents", agents);
        return out;
    }

    @POST
    @Path("reset")
    @Allow(Access.OPERATOR)
    public Map<String, Object> reset() {
        return Map.of("reset_streams", sessions.endAll("connections reset by an operator"));
    }
}
