package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code mesh cluster status | nodes | elect | reconcile | resync}. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "The mesh cluster: nodes, leader, repair.")
final class ClusterCommand {

    @ParentCommand
    MeshCli root;

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Leader, nodes, expected nodes, partition suspicion.")
    void status() {
        root.output().fields(root.client().get("/api/v1/cluster/status", Map.of()));
    }

    @Command(name = "nodes", mixinStandardHelpOptions = true, description = "Live nodes and which one leads.")
    void nodes() {
        JsonNode r = root.client().get("/api/v1/cluster/nodes", Map.of());
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("NODE", "id");
        columns.put("LEADER", "leader");
        columns.put("ANSWERED", "self");
        root.output().table(r, r.path("nodes"), columns);
    }

    @Command(name = "elect", mixinStandardHelpOptions = true, description = "Make the leader step down; another is elected.")
    void elect() {
        JsonNode r = root.client().post("/api/v1/cluster/leader/elect", Map.of());
        root.output().line(r, r.path("changed").asBoolean()
                ? "leader is now " + r.path("leader").asText() + " (was " + r.path("previous_leader").asText() + ")"
                : "leader unchanged: " + r.path("leader").asText());
    }

    @Command(name = "reconcile", mixinStandardHelpOptions = true, description = "Fix what differs between Postgres, Redis and the router.")
    void reconcile() {
        root.output().fields(root.client().post("/api/v1/cluster/reconcile", Map.of()));
    }

    @Command(name = "resync", mixinStandardHelpOptions = true, description = "Rewrite Redis and the registry and health topics from Postgres.")
    void resync() {
        root.output().fields(Progress.during(root, "resyncing", () -> root.client().post("/api/v1/cluster/resync", Map.of())));
    }
}
