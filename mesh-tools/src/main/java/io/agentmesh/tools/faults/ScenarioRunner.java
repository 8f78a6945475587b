package io.agentmesh.tools.faults;

import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.tools.harness.Heartbeats;
import io.agentmesh.tools.harness.MeshHttp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs one scenario on a fresh stack: registers the targets, starts the verifier and the load,
 * injects the fault, stops the load, waits until every acknowledged message has arrived or
 * nothing new has come for a while, and checks the ledger.
 */
public final class ScenarioRunner {

    private final Supplier<LocalStack.Settings> settings;
    private final int senders;
    private final double ratePerSender;
    private final Duration quiet;

    public ScenarioRunner(Supplier<LocalStack.Settings> settings, int senders, double ratePerSender, Duration quiet) {
        this.settings = settings;
        this.senders = senders;
        this.ratePerSender = ratePerSender;
        this.quiet = quiet;
    }

    public ScenarioResult run(String name, String description, Fault fault) throws Exception {
        long start = System.currentTimeMillis();
        System.out.println(name + ": " + description);
        Ledger ledger = new Ledger();
        List<String> notes = new ArrayList<>();
        Expectations expect = new Expectations();
        List<String> targets = List.of("fault-t1", "fault-t2");
        try (LocalStack stack = new LocalStack(settings.get()).start()) {
            MeshHttp http = new MeshHttp(stack.restUrl(), Duration.ofSeconds(10));
            // the targets take the default TTL and heartbeat like real agents (their mail reaches the
            // inbox even while a fault keeps them from being seen)
            for (String t : targets) {
                MeshHttp.Reply r = http.post("/api/v1/agents", "{\"id\":\"" + t + "\",\"name\":\"" + t + "\"}");
                if (r.status() != 201) {
                    throw new IllegalStateException("register " + t + ": " + r.status() + " " + r.body());
                }
            }
            String prefix = stack.topicPrefix() + ".agent.";
            List<String> senderIds = new ArrayList<>();
            for (int i = 1; i <= senders; i++) {
                senderIds.add("s" + i);
            }
            try (Heartbeats heartbeats = new Heartbeats(http, Duration.ofSeconds(10));
                 Verifier verifier = new Verifier(stack.bootstrapServers(), prefix,
                         targets.stream().map(t -> prefix + t).toList(), ledger)) {
                targets.forEach(heartbeats::add);
                LoadGenerator load = new LoadGenerator(stack.restUrl(), senderIds, targets, ratePerSender,
                        Duration.ofSeconds(15), ledger);
                try {
                    fault.inject(stack, ledger, notes, expect);
                } finally {
                    load.close();
                }
                awaitQuiet(ledger, verifier, notes);
            } catch (Exception | Error e) {
                Path log = Files.createTempFile("mesh-fault-", ".log");
                Files.writeString(log, "mesh:\n" + stack.mesh().tail(200) + "\nkafka:\n" + stack.kafka().tail(100));
                System.out.println("  failed; last output of the mesh and broker in " + log);
                throw e;
            }
        }
        CheckResult check = Checker.check(ledger.attempts(), ledger.receipts());
        ScenarioResult result = new ScenarioResult(name, description, check, notes, expect.held(), expect.broken(),
                (System.currentTimeMillis() - start) / 1000);
        System.out.println("  " + (result.passed() ? "PASS" : "FAIL") + ": " + check.summary());
        expect.held().forEach(e -> System.out.println("  held: " + e));
        expect.broken().forEach(e -> System.out.println("  BROKEN: " + e));
        notes.forEach(n -> System.out.println("  " + n));
        return result;
    }

    private void awaitQuiet(Ledger ledger, Verifier verifier, List<String> notes) throws InterruptedException {
        Set<String> ok = ledger.attempts().stream().filter(a -> a.outcome() == Outcome.OK).map(Attempt::id)
                .collect(Collectors.toSet());
        long stopped = System.currentTimeMillis();
        long lastChange = stopped;
        int lastCount = -1;
        while (System.currentTimeMillis() - lastChange < quiet.toMillis()
                && System.currentTimeMillis() - stopped < 300_000) {
            if (verifier.failure() != null) {
                throw new IllegalStateException("verifier failed", verifier.failure());
            }
            int count = ledger.receivedCount();
            if (count != lastCount) {
                lastCount = count;
                lastChange = System.currentTimeMillis();
            }
            Set<String> got = ledger.receipts().stream().map(Receipt::id).collect(Collectors.toSet());
            if (got.containsAll(ok) && System.currentTimeMillis() - lastChange > 3000) {
                break;
            }
            Thread.sleep(500);
        }
        notes.add("all receipts in " + (System.currentTimeMillis() - stopped) / 1000 + " s after the load stopped");
    }
}
