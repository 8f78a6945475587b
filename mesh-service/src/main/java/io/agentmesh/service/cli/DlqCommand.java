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

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead letters, filtered; oldest first within each page (--cursor gets the next page).")
    void list(@Option(names = "--reason") String reason, @Option(names = "--target") String target,
              @Option(names = "--from") String from, @Option(names = "--limit", defaultValue = "50") int limit,
              @Option(names = "--cursor", description = "The next_cursor a previous page answered.") String cursor) {
        JsonNode r = root.client().get("/api/v1/queues/dlq", MeshClient.query("reason", reason, "target", target,
                "from", from, "limit", Integer.toString(limit), "cursor", cursor));
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("DLQ_ID", "dlq_id");
        columns.put("REASON", "reason");
        columns.put("ATTEMPTS", "attempts");
        columns.put("AT", "dead_lettered_at");
        columns.put("ERROR", "error");
        root.output().table(r, r.path("dead_letters"), columns);
    }

    @Command(name = "replays", mixinStandardHelpOptions = true, description = "The replay audit: who replayed what, newest first.")
    void replays(@Option(names = "--limit", defaultValue = "20") int limit) {
        JsonNode r = root.client().get("/api/v1/queues/dlq/replays", MeshClient.query("limit", Integer.toString(limit)));
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("REPLAY", "replay_id");
        columns.put("BY", "requested_by");
        columns.put("AT", "requested_at");
        columns.put("REPLAYED", "replayed");
        columns.put("SKIPPED", "skipped");
        columns.put("FORCED", "forced");
        columns.put("REQUEST", "request");
        root.output().table(r, r.path("replays"), columns);
    }
}
