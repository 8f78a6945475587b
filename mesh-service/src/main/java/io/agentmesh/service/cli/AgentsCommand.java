package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code mesh agents list | register | heartbeat | deregister | health}. */
@Command(name = "agents", mixinStandardHelpOptions = true, description = "Register, list, deregister agents; see their health.")
final class AgentsCommand {

    static final Map<String, String> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("ID", "id");
        COLUMNS.put("NAME", "name");
        COLUMNS.put("NAMESPACE", "namespace");
        COLUMNS.put("STATUS", "status");
        COLUMNS.put("SEEN VIA", "seen_via");
        COLUMNS.put("CAPABILITIES", "capabilities");
        COLUMNS.put("ENDPOINT", "endpoint");
    }

    @ParentCommand
    MeshCli root;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Registered agents (not deregistered).")
    void list(@Option(names = "--capability") String capability, @Option(names = "--namespace") String namespace,
              @Option(names = "--limit", defaultValue = "100") int limit) {
        JsonNode r = root.client().get("/api/v1/agents", MeshClient.query("capability", capability,
                "namespace", namespace, "limit", Integer.toString(limit)));
        root.output().table(r, r.path("agents"), COLUMNS);
    }

    @Command(name = "register", mixinStandardHelpOptions = true, description = "Register an agent (or update it).")
    void register(@Option(names = "--name", required = true) String name,
                  @Option(names = "--endpoint") String endpoint,
                  @Option(names = "--id") String id,
                  @Option(names = "--namespace") String namespace,
                  @Option(names = "--capability", description = "Repeat for several.") List<String> capabilities,
                  @Option(names = "--push", description = "Have the mesh POST each message to the endpoint.") boolean push,
                  @Option(names = "--ttl", description = "How long the agent may go unseen before it expires, e.g. 30s, "
                          + "10m, 1h (1 s to 24 h; default: the mesh's redis.heartbeatTtl).") String ttl,
                  @Option(names = "--health-url", description = "Where the mesh's active health checks GET.") String healthUrl) {
        ObjectNode body = MeshClient.JSON.createObjectNode();
        body.put("name", name);
        putIf(body, "id", id);
        putIf(body, "endpoint", endpoint);
        putIf(body, "namespace", namespace);
        if (capabilities != null) {
            capabilities.forEach(body.putArray("capabilities")::add);
        }
        if (push) {
            body.put("delivery", "push");
        }
        if (ttl != null) {
            body.put("heartbeat_ttl_ms", Durations.parseMillis("--ttl", ttl));
        }
        putIf(body, "health_url", healthUrl);
        JsonNode r = root.client().post("/api/v1/agents", body);
        root.output().line(r, "registered " + r.path("id").asText() + " (inbox " + r.path("inbox_topic").asText() + ")");
    }

    @Command(name = "heartbeat", mixinStandardHelpOptions = true,
            description = "Tell the mesh the agent is alive: its TTL starts again (an expired agent is active again).")
    void heartbeat(@Option(names = "--id", required = true) String id) {
        JsonNode r = root.client().post("/api/v1/agents/" + Paths.segment(id) + "/heartbeat",
                MeshClient.JSON.createObjectNode());
        root.output().line(r, r.path("id").asText() + " is " + r.path("status").asText() + ", expires "
                + r.path("ttl_seconds").asText() + " s after " + r.path("last_seen").asText() + " unless seen again");
    }

    @Command(name = "deregister", mixinStandardHelpOptions = true, description = "Deregister an agent (its inbox is kept for a while).")
    void deregister(@Option(names = "--id", required = true) String id,
                    @Option(names = "--owner", description = "The agent's owner, if it was registered with one.") String owner) {
        JsonNode r = root.client().delete("/api/v1/agents/" + Paths.segment(id)
                + (owner == null ? "" : "?owner=" + java.net.URLEncoder.encode(owner, java.nio.charset.StandardCharsets.UTF_8)));
        root.output().line(r, "deregistered " + r.path("id").asText());
    }

    @Command(name = "health", mixinStandardHelpOptions = true, description = "An agent's health: status, checks, override.")
    void health(@Option(names = "--id", required = true) String id) {
        root.output().fields(root.client().get("/api/v1/agents/" + Paths.segment(id) + "/health", Map.of()));
    }

    static void putIf(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
