package io.agentmesh.tools.faults;

import io.agentmesh.service.cli.OneLineUsageErrors;
import io.agentmesh.embedded.Quiet;
import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.tools.harness.WorkDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./mesh faults}: the fault scenarios, each on a fresh stack, judged by the ledger checker. */
@Command(name = "mesh faults", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs fault scenarios against a stack of child processes (broker, ZooKeeper, mesh node, its own"
                + " PostgreSQL and redis-server) under a"
                + " steady REST load, logs every send and every inbox record, and checks: lost, phantom, duplicates,"
                + " order violations, unseen. Writes docs/RELIABILITY.md; exits 1 if any scenario breaks the promise."})
public final class FaultCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", split = ",", paramLabel = "SCENARIOS", description = "Which: F1,…,F9 (default all).")
    List<String> only = List.of();

    @Option(names = "--phase", description = "Seconds of load before, between and after faults (default 8).")
    int phaseSeconds = 8;

    @Option(names = "--kills", description = "How often F1 kills the mesh (default 3).")
    int kills = 3;

    @Option(names = "--senders", description = "Concurrent senders (default 8), spread over the four path agents.")
    int senders = 8;

    @Option(names = "--rate", description = "Messages per second per sender (default 20).")
    double rate = 20;

    @Option(names = "--soak", paramLabel = "DURATION", description = "Run the soak instead of the scenarios (or after"
            + " those named): steady load for this long (e.g. 30m, 90s, 1h) with a fault every --fault-every.")
    String soak;

    @Option(names = "--fault-every", paramLabel = "DURATION", description = "How often the soak injects a fault (default 4m).")
    String faultEvery = "4m";

    @Option(names = "--soak-rate", description = "The soak's messages per second (default: half of what the stack accepts,"
            + " measured at the start).")
    double soakRate = 0;

    @Option(names = "--out", description = "Where RELIABILITY.md goes (default docs; 'none' writes nothing).")
    String out = "docs";

    @Option(names = "--config", description = "Mesh configuration (default config.yml).")
    Path config = Path.of("config.yml");

    public static void main(String[] args) {
        Quiet.logs();
        System.exit(OneLineUsageErrors.on(new CommandLine(new FaultCommand())).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Scenarios.Scenario> all = new Scenarios(phaseSeconds * 1000L, kills).all();
        List<String> known = all.stream().map(Scenarios.Scenario::name).toList();
        List<String> unknown = only.stream().filter(n -> !known.contains(n)).toList();
        if (!unknown.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "unknown scenario " + String.join(", ", unknown) + "; there are " + String.join(", ", known));
        }
        if (phaseSeconds < 1 || kills < 1 || senders < 1 || rate <= 0 || soakRate < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--phase, --kills, --senders and --rate must be positive, --soak-rate not negative");
        }
        if (!Files.isRegularFile(config)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--config: no file " + config);
        }
        Duration soakLength = soak == null ? null : duration("--soak", soak);
        Duration soakFaultEvery = duration("--fault-every", faultEvery);
        boolean scenarios = soak == null || !only.isEmpty();
        WorkDir work = WorkDir.create("mesh-faults-");
        Path base = work.path();
        int[] runs = {0};
        java.util.function.Supplier<LocalStack.Settings> settings = () -> new LocalStack.Settings(
                System.getProperty("java.class.path"), base.resolve("run-" + ++runs[0]), config.toAbsolutePath(),
                "jdbc:postgresql://127.0.0.1:5432/", "postgres", "127.0.0.1", 6379, 0, "512m", Map.of(), true);
        ScenarioRunner runner = new ScenarioRunner(settings, senders, rate, Duration.ofSeconds(30));
        List<ScenarioResult> results = new ArrayList<>();
        Soak.Result soaked = null;
        boolean ran = false;
        try {
            for (Scenarios.Scenario s : all) {
                if (scenarios && (only.isEmpty() || only.contains(s.name()))) {
                    results.add(runner.run(s.name(), s.description(), s.nodes(), s.fault()));
                }
            }
            if (soakLength != null) {
                soaked = new Soak(settings, soakLength, soakFaultEvery, soakRate, senders).run();
            }
            ran = true;
        } finally {
            work.finish(ran && results.stream().allMatch(ScenarioResult::passed) && (soaked == null || soaked.passed()));
        }
        if (soaked != null) {
            System.out.println("soak " + (soaked.passed() ? "PASS" : "FAIL"));
            soaked.paths().forEach((p, c) -> System.out.println("  " + (p.holds(c) ? "holds" : "BROKEN") + " " + p.label()
                    + ": " + c.summary()));
        }
        if (!out.equals("none")) {
            Path file = Path.of(out).resolve("RELIABILITY.md");
            Files.createDirectories(file.toAbsolutePath().getParent());
            String soakSection = soaked == null ? null : SoakReport.section(soaked, Path.of(out).resolve(SoakReport.CHART),
                    "./mesh faults --soak " + soak + (faultEvery.equals("4m") ? "" : " --fault-every " + faultEvery));
            ReliabilityDoc.write(file, scenarios ? report(results) : null, soakSection);
            System.out.println("Wrote " + file);
        }
        return results.stream().allMatch(ScenarioResult::passed) && (soaked == null || soaked.passed()) ? 0 : 1;
    }

    /** "30m", "90s", "1h", "500ms" → a duration; anything else is a usage error naming the option. */
    private Duration duration(String option, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), option + ": '" + text
                    + "' is not a duration like 30m, 90s or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private String report(List<ScenarioResult> results) {
        StringBuilder b = new StringBuilder("# Agent Mesh reliability: fault scenarios\n\n");
        b.append("Generated by `./mesh faults` on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(String.format(Locale.ROOT, ". Load: %d senders × %.0f msg/s over REST (one message per request,"
                        + " key = sender) to four agents, one per delivery path, %d s phases; each scenario on a fresh stack (broker, ZooKeeper and"
                        + " mesh node as their own processes, and a PostgreSQL cluster and redis-server of its own). A verifier reads the inboxes"
                        + " read_committed from the beginning.%n%n", senders, rate, phaseSeconds));
        b.append("## Delivery: what each path's agent processed\n\n");
        b.append("Each scenario runs one agent per delivery path, registered like any agent, and splits the senders"
                + " over them: **gRPC Connect** (credit 64; processes each delivery, then acks it), **REST long-poll** (processes"
                + " a batch, then posts its `ack` position), **SSE** (processes each event; after a break reconnects with the"
                + " last event's id as `Last-Event-ID`; posts that position as its ack every second), **webhook push** (an"
                + " HTTP server that processes each CloudEvent and answers 204). Each agent reconnects after a break, to the next"
                + " node when there are two. The **inbox topic** row is every target's inbox read from the beginning"
                + " read_committed: the router's exactly-once output. **acknowledged** = messages whose send was answered 202;"
                + " **lost** = acknowledged but never processed (never in the inbox); **duplicates** = processed again (the"
                + " agent paths are at least once: a message processed but not yet acknowledged when the connection broke comes"
                + " again); **order violations** = a message of a sender processed after a later one of the same sender (key);"
                + " **misrouted** = in another inbox than the one it was sent to. The verdict: lost, misrouted and order"
                + " violations 0 on every path, duplicates 0 on the inbox topic, and every expectation of the scenario below.\n\n");
        b.append("| scenario | path | acknowledged | processed | lost | duplicates | order violations | misrouted | verdict |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (ScenarioResult r : results) {
            r.paths().forEach((p, c) -> b.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d | %d | %s |%n",
                    r.name(), p.label(), c.ok(), c.received(), c.lost(), c.duplicates(), c.orderViolations(), c.misrouted(),
                    p.holds(c) ? "holds" : "**broken**")));
        }
        b.append("\n## Sends: what the senders learned\n\n");
        b.append("Outcomes: **ok** = 202; **failed** = the mesh answered it did not take the message (4xx, 503 with"
                + " `details.outcome: not_written`) or the connection was refused; **unknown** = no answer (timeout,"
                + " connection lost mid-request) or 503 with `details.outcome: unknown` (Kafka did not confirm in time)."
                + " A sender that gets no answer (or `outcome: unknown`) sends the message again under the same id, up to "
                + LoadGenerator.RESENDS + " times (**resends**); a message is ok if any of its tries was."
                + " **lost** = ok but never received; **phantom** = failed but received; **misrouted** = found in another"
                + " inbox than the one it was sent to; **unseen** = unknown and not received.\n\n");
        b.append("| scenario | sent | resends | ok | failed | unknown | received | lost | phantom | duplicates | order violations"
                + " | misrouted | unknown arrived | unseen | verdict |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ScenarioResult r : results) {
            CheckResult c = r.check();
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s |%n",
                    r.name(), c.attempts(), c.resends(), c.ok(), c.failed(), c.unknown(), c.received(), c.lost(), c.phantom(),
                    c.duplicates(), c.orderViolations(), c.misrouted(), c.unknownArrived(), c.unseen(),
                    r.passed() ? "holds" : "**broken**"));
        }
        b.append("\n## Per scenario\n");
        for (ScenarioResult r : results) {
            b.append("\n### ").append(r.name()).append(": ").append(r.description()).append("\n\n");
            r.paths().forEach((p, c) -> b.append("- ").append(p.label()).append(": ").append(c.summary()).append('\n'));
            r.held().forEach(e -> b.append("- expected and held: ").append(e).append('\n'));
            r.broken().forEach(e -> b.append("- expected, **broken**: ").append(e).append('\n'));
            r.notes().forEach(n -> b.append("- ").append(n).append('\n'));
            b.append("- took ").append(r.seconds()).append(" s\n");
        }
        b.append("\n## Reproduce\n\n```bash\n./mesh faults              # all scenarios, about 15 minutes\n"
                + "./mesh faults F1,F4        # some\n./mesh faults --soak 30m   # the soak below (its own section)\n```\n");
        return b.toString();
    }
}
