package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code mesh auth whoami | issue | list | revoke | rotate | audit}: credentials and the audit (docs/security.md). */
@Command(name = "auth", mixinStandardHelpOptions = true,
        description = "Credentials and the audit. The CLI sends --token, else $MESH_TOKEN, else the file $MESH_TOKEN_FILE "
                + "or ~/.mesh/token.")
final class AuthCommand {

    @ParentCommand
    MeshCli root;

    @Command(name = "whoami", mixinStandardHelpOptions = true, description = "Who the mesh takes your token for.")
    void whoami() {
        JsonNode r = root.client().get("/api/v1/auth/whoami", Map.of());
        root.output().line(r, r.path("auth_enabled").asBoolean()
                ? r.path("kind").asText() + " " + r.path("name").asText()
                + (r.path("role").isNull() ? "" : " (role " + r.path("role").asText() + ")")
                : "authentication is off on this mesh: every caller may do everything");
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue an operator credential (admins): prints its token once.")
    void issue(@Option(names = "--name", required = true, description = "Who it is for, e.g. alice or team-a.") String name,
               @Option(names = "--role", required = true, description = "owner, viewer, operator or admin.") String role) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("role", role);
        JsonNode r = root.client().post("/api/v1/credentials", body);
        root.output().line(r, "credential " + r.path("id").asText() + " for " + r.path("name").asText() + " (role "
                + r.path("role").asText() + "); token (shown only now):\n" + r.path("token").asText());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Credentials (never their secrets).")
    void list(@Option(names = "--kind", description = "agent or operator.") String kind,
              @Option(names = "--revoked", description = "Include revoked ones.") boolean revoked) {
        JsonNode r = root.client().get("/api/v1/credentials", MeshClient.query("kind", kind, "revoked",
                revoked ? "true" : null));
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("ID", "id");
        columns.put("KIND", "kind");
        columns.put("SUBJECT", "subject");
        columns.put("ROLE", "role");
        columns.put("CREATED", "created_at");
        columns.put("BY", "created_by");
        columns.put("REVOKED", "revoked_at");
        root.output().table(r, r.path("credentials"), columns);
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a credential by id: every node refuses it at once.")
    void revoke(@Parameters(paramLabel = "ID") long id) {
        JsonNode r = root.client().delete("/api/v1/credentials/" + id);
        root.output().line(r, "credential " + id + " (" + r.path("subject").asText() + ") revoked at "
                + r.path("revoked_at").asText());
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "A new API key for an agent (the agent itself, its owner or an operator); the old one stops working.")
    void rotate(@Parameters(paramLabel = "AGENT") String agent) {
        JsonNode r = root.client().post("/api/v1/agents/" + Paths.segment(agent) + "/credentials/rotate", Map.of());
        root.output().line(r, "agent " + agent + " has a new key (shown only now):\n" + r.path("api_key").asText());
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = "Operator actions and refused calls (admins).")
    void audit(@Option(names = "--actor", description = "e.g. operator:alice or agent:planner.") String actor,
               @Option(names = "--action", description = "Part of the action, e.g. dlq or DELETE.") String action,
               @Option(names = "--since", description = "RFC 3339 time, e.g. 2026-11-28T10:00:00Z.") String since,
               @Option(names = "--limit", defaultValue = "100", description = "At most this many (1-1000).") int limit) {
        JsonNode r = root.client().get("/api/v1/audit", MeshClient.query("actor", actor, "action", action, "since", since,
                "limit", Integer.toString(limit)));
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("AT", "at");
        columns.put("ACTOR", "actor");
        columns.put("ACTION", "action");
        columns.put("TARGET", "target");
        columns.put("OUTCOME", "outcome");
        columns.put("STATUS", "status");
        root.output().table(r, r.path("entries"), columns);
    }
}
