package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mesh replay --agent A --from T --to T}: append that window of the agent's inbox to it again. */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Replay an agent's inbox between two times (ISO-8601).")
final class ReplayCommand implements Runnable {

    @ParentCommand
    MeshCli root;

    @Option(names = "--agent", required = true)
    String agent;

    @Option(names = "--from", required = true, description = "e.g. 2026-11-28T10:00:00Z")
    String from;

    @Option(names = "--to", required = true)
    String to;

    @Option(names = "--max")
    Integer max;

    @Override
    public void run() {
        ObjectNode body = MeshClient.JSON.createObjectNode();
        body.put("from", from);
        body.put("to", to);
        if (max != null) {
            body.put("max", max);
        }
        JsonNode r = root.client().postWithProgress("/api/v1/agents/" + Paths.segment(agent) + "/replay", body,
                Progress.bar(root, "replaying " + agent));
        root.output().fields(r);
    }
}
