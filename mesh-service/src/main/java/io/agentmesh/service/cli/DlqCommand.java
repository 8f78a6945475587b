package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code mesh dlq list [--reason] [--target] [--limit]}. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Dead letters.")
final class DlqCommand {

    @ParentCommand
    MeshCli root;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead letters, oldest first, filtered.")
    void list(@Option(names = "--reason") String reason, @Option(names = "--target") String target,
              @Option(names = "--from") String from, @Option(names = "--limit", defaultValue = "50") int limit) {
        JsonNode r = root.client().get("/api/v1/queues/dlq", MeshClient.query("reason", reason, "target", target,
                "from", from, "limit", Integer.toString(limit)));
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("DLQ_ID", "dlq_id");
        columns.put("REASON", "reason");
        columns.put("ATTEMPTS", "attempts");
        columns.put("AT", "dead_lettered_at");
        columns.put("ERROR", "error");
        root.output().table(r, r.path("dead_letters"), columns);
    }
}
