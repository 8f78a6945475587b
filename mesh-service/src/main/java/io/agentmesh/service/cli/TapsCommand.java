package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code mesh taps create | list | describe | delete | tail | backfill}: analytics taps (docs/taps.md). */
@Command(name = "taps", mixinStandardHelpOptions = true, description = "Analytics taps: filtered, redacted streams of the mesh's traffic.")
final class TapsCommand {

    @ParentCommand
    MeshCli root;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every tap.")
    void list() {
        JsonNode r = root.client().get("/api/v1/taps", Map.of());
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("NAME", "name");
        columns.put("TOPIC", "topic");
        columns.put("PAYLOAD", "payload");
        columns.put("FILTER", "filter");
        columns.put("READER", "reader");
        columns.put("LIVE", "live");
        root.output().table(r, r.path("taps"), columns);
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "One tap: definition, records and rates on the node that answers.")
    void describe(@Parameters(paramLabel = "NAME") String name) {
        root.output().fields(root.client().get("/api/v1/taps/" + Paths.segment(name), Map.of()));
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a tap; it writes from the moment it is live.")
    void create(@Parameters(paramLabel = "NAME") String name,
                @Option(names = "--payload", required = true, description = "include, hash, drop or redact") String payload,
                @Option(names = "--redact", description = "A dotted path to remove (redact); repeatable: user.email, items.*.ssn") List<String> redact,
                @Option(names = "--namespace", description = "Repeatable") List<String> namespaces,
                @Option(names = "--capability", description = "Repeatable") List<String> capabilities,
                @Option(names = "--type", description = "A message type or prefix (order.*); repeatable") List<String> types,
                @Option(names = "--sender", description = "Repeatable") List<String> senders,
                @Option(names = "--target", description = "An agent id or target; repeatable") List<String> targets,
                @Option(names = "--event", description = "accepted, routed, deduplicated, retried, dead_lettered, delivered, acked; repeatable") List<String> events,
                @Option(names = "--retention", description = "How long the topic keeps records (default 7d)") String retention,
                @Option(names = "--partitions", description = "The topic's partitions (default 3)") Integer partitions,
                @Option(names = "--reader", description = "The agent whose Kafka login may read the tap") String reader) {
        Map<String, Object> filter = new LinkedHashMap<>();
        put(filter, "namespaces", namespaces);
        put(filter, "capabilities", capabilities);
        put(filter, "types", types);
        put(filter, "senders", senders);
        put(filter, "targets", targets);
        put(filter, "events", events);
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("mode", payload);
        put(policy, "fields", redact);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("filter", filter);
        body.put("payload", policy);
        if (retention != null) {
            body.put("retention", retention);
        }
        if (partitions != null) {
            body.put("partitions", partitions);
        }
        if (reader != null) {
            body.put("reader", reader);
        }
        JsonNode r = root.client().post("/api/v1/taps", body);
        root.output().line(r, "tap " + r.path("name").asText() + " writes to " + r.path("topic").asText()
                + (r.path("reader").isTextual() ? "; " + r.path("reader").asText() + " reads it in groups "
                + r.path("consumer_group_prefix").asText() + "*" : ""));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "End a tap; its topic is deleted after its retention.")
    void delete(@Parameters(paramLabel = "NAME") String name) {
        JsonNode r = root.client().delete("/api/v1/taps/" + Paths.segment(name));
        root.output().line(r, "tap " + name + " ended; " + r.path("topic").asText() + " is deleted after "
                + r.path("retention_ms").asLong() / 1000 + " s");
    }

    @Command(name = "tail", mixinStandardHelpOptions = true, description = "Print a tap's records as they come, one JSON per line.")
    void tail(@Parameters(paramLabel = "NAME") String name,
              @Option(names = "--from-beginning", description = "Start at the oldest record the topic keeps") boolean fromBeginning,
              @Option(names = {"-n", "--max"}, defaultValue = "100", description = "Stop after this many records (1-10000; default 100)") int max,
              @Option(names = "--wait", defaultValue = "30s", description = "Stop after this long (1s-10m; default 30s)") String wait) {
        root.client().getLines("/api/v1/taps/" + Paths.segment(name) + "/records", MeshClient.query(
                "from", fromBeginning ? "beginning" : "end", "max", Integer.toString(max), "wait", wait), root.out::println);
        root.out.flush();
    }

    @Command(name = "backfill", mixinStandardHelpOptions = true, description = "Write what the mesh still holds of a time range to a tap.")
    void backfill(@Parameters(paramLabel = "NAME") String name,
                  @Option(names = "--from", required = true, description = "RFC 3339 time, e.g. 2026-12-01T09:00:00Z") String from,
                  @Option(names = "--to", description = "RFC 3339 time (default: now)") String to) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from);
        if (to != null) {
            body.put("to", to);
        }
        String path = "/api/v1/taps/" + Paths.segment(name) + "/backfill";
        JsonNode status = root.client().post(path, body);
        long start = System.nanoTime();
        boolean terminal = System.console() != null;
        while ("queued".equals(status.path("state").asText()) || "running".equals(status.path("state").asText())) {
            if (terminal) {
                root.err.print("\r" + Progress.line("written", status.path("records_written").asLong(), 0,
                        (System.nanoTime() - start) / 1_000_000_000L) + " (" + status.path("records_read").asLong() + " read)");
                root.err.flush();
            }
            Thread.sleep(500);
            status = root.client().get(path, Map.of());
        }
        if (terminal) {
            root.err.println();
        }
        if ("failed".equals(status.path("state").asText())) {
            throw new CliFailure(CliFailure.MESH_ERROR, "backfill of " + name + " failed: " + status.path("error").asText());
        }
        root.output().line(status, "tap " + name + " backfilled from " + status.path("from").asText() + " to "
                + status.path("to").asText() + ": " + status.path("records_written").asLong() + " records written ("
                + status.path("records_read").asLong() + " read)");
    }

    private static void put(Map<String, Object> into, String key, List<String> values) {
        if (values != null && !values.isEmpty()) {
            into.put(key, values);
        }
    }
}
