package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Map;

/** {@code mesh queue status | retry --dlq [filters]}. */
@Command(name = "queue", mixinStandardHelpOptions = true, description = "Queue sizes and lag; replay dead letters.")
final class QueueCommand {

    @ParentCommand
    MeshCli root;

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Depth, pending retries, DLQ size, per-topic lag.")
    void status() {
        JsonNode stats = root.client().get("/api/v1/queues/stats", Map.of());
        Output out = root.output();
        if (out.json()) {
            out.raw(stats);
            return;
        }
        // the one-number figures, then one row per topic
        com.fasterxml.jackson.databind.node.ObjectNode summary = stats.deepCopy();
        JsonNode topics = summary.remove("topics");
        out.fields(summary);
        if (topics != null && topics.isObject()) {
            com.fasterxml.jackson.databind.node.ArrayNode rows = MeshClient.JSON.createArrayNode();
            topics.fields().forEachRemaining(t -> rows.add(((com.fasterxml.jackson.databind.node.ObjectNode) t.getValue()
                    .deepCopy()).put("topic", t.getKey())));
            java.util.Map<String, String> columns = new java.util.LinkedHashMap<>();
            columns.put("TOPIC", "topic");
            rows.forEach(r -> r.fieldNames().forEachRemaining(f -> {
                if (!f.equals("topic")) {
                    columns.putIfAbsent(f.toUpperCase(java.util.Locale.ROOT), f);
                }
            }));
            out.println("");
            out.table(rows, rows, columns);
        } else if (topics != null && topics.isArray()) {
            java.util.Map<String, String> columns = new java.util.LinkedHashMap<>();
            topics.forEach(r -> r.fieldNames().forEachRemaining(f -> columns.putIfAbsent(f.toUpperCase(java.util.Locale.ROOT), f)));
            out.println("");
            out.table(topics, topics, columns);
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Replay dead letters not yet replayed: those matching the filters, or every one when none is given "
                    + "(at most --max, default 1000, per call; the answer says how many are left); --dry-run shows what would be.")
    void retry(@Option(names = "--dlq", required = true, description = "Retry from the dead-letter queue.") boolean dlq,
               @Option(names = "--reason") String reason, @Option(names = "--target") String target,
               @Option(names = "--from") String from, @Option(names = "--since") String since,
               @Option(names = "--until") String until, @Option(names = "--all") boolean all,
               @Option(names = "--dry-run") boolean dryRun, @Option(names = "--max") Integer max,
               @Option(names = "--operator", description = "Who replays, for the audit (default: your user name).")
               String operator) {
        ObjectNode body = MeshClient.JSON.createObjectNode();
        if (all) {
            body.put("all", true);
        } else {
            ObjectNode filter = body.putObject("filter");
            AgentsCommand.putIf(filter, "reason", reason);
            AgentsCommand.putIf(filter, "target", target);
            AgentsCommand.putIf(filter, "from", from);
            AgentsCommand.putIf(filter, "since", since);
            AgentsCommand.putIf(filter, "until", until);
            if (filter.isEmpty()) {
                // the runbook's bare `queue retry --dlq`: every dead letter not yet replayed
                body.remove("filter");
                body.put("all", true);
            }
        }
        if (dryRun) {
            body.put("dry_run", true);
        }
        if (max != null) {
            body.put("max", max);
        }
        String who = operator != null ? operator : System.getProperty("user.name", "cli");
        JsonNode r = Progress.during(root, "replaying dead letters", () -> root.client().header("X-Mesh-Operator", who)
                .post("/api/v1/queues/dlq/retry", body));
        root.output().fields(r);
    }
}
