package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Map;

/** {@code mesh discover --capability | --namespace [--status] [--refresh]}. */
@Command(name = "discover", mixinStandardHelpOptions = true, description = "Find live agents by capability or namespace.")
final class DiscoverCommand implements Runnable {

    @ParentCommand
    MeshCli root;

    @Option(names = "--capability")
    String capability;

    @Option(names = "--namespace")
    String namespace;

    @Option(names = "--status", description = "active (default), expired or deregistered.")
    String status;

    @Option(names = "--refresh", description = "Rebuild the discovery cache from Postgres first.")
    boolean refresh;

    @Override
    public void run() {
        MeshClient client = root.client();
        if (refresh) {
            JsonNode re = client.post("/api/v1/agents/reregister", Map.of());
            if (!root.output().json()) {
                root.out.println("cache rebuilt: " + re.path("redis").asInt() + " agents");
            }
        }
        JsonNode r = client.get("/api/v1/discover", MeshClient.query("capability", capability, "namespace", namespace,
                "status", status));
        root.output().table(r, r.path("agents"), AgentsCommand.COLUMNS);
        if (!root.output().json() && r.path("degraded").asBoolean()) {
            root.out.println("(from " + r.path("source").asText() + ": the live cache is unavailable)");
        }
    }
}
