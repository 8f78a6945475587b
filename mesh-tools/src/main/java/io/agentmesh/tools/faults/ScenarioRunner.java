package io.agentmesh.tools.faults;

import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.tools.harness.Heartbeats;
import io.agentmesh.tools.harness.MeshHttp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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

    public ScenarioResult run(String name, String description, int nodes, Fault fault) throws Exception {
        long start = System.currentTimeMillis();
        System.out.println(name + ": " + description);
        Ledger ledger = new Ledger();
        List<String> notes = new ArrayList<>();
        Expectations expect = new Expectations();
        List<String> targets = DeliveryPath.agentPaths().stream().map(DeliveryPath::agent).toList();
        try (LocalStack stack = new LocalStack(settings.get()).start()) {
            while (stack.nodeCount() < nodes) {
                stack.addNode();
            }
            MeshHttp http = new MeshHttp(stack.restUrl(), Duration.ofSeconds(10));
            List<PathAgent> agents = registerAgents(stack, ledger, http);
            String prefix = stack.topicPrefix() + ".agent.";
            List<String> senderIds = new ArrayList<>();
            for (int i = 1; i <= senders; i++) {
                senderIds.add("s" + i);
            }
            try (Heartbeats heartbeats = new Heartbeats(http, Duration.ofSeconds(10));
                 Verifier verifier = new Verifier(stack.bootstrapServers(), prefix,
                         targets.stream().map(t -> prefix + t).toList(), ledger)) {
                targets.forEach(heartbeats::add);
                agents.forEach(PathAgent::start);
                try {
                    LoadGenerator load = new LoadGenerator(stack.restUrls(), senderIds, targets, ratePerSender,
                            Duration.ofSeconds(15), ledger);
                    try {
                        fault.inject(stack, ledger, notes, expect);
                    } finally {
                        load.close();
                    }
                    awaitQuiet(ledger, verifier, notes, quiet);
                } finally {
                    for (PathAgent a : agents) {
                        notes.add("agent " + a.summary());
                        a.close();
                    }
                }
            } catch (Exception | Error e) {
                Path log = Files.createTempFile("mesh-fault-", ".log");
                StringBuilder tails = new StringBuilder();
                for (int n = 1; n <= stack.nodeCount(); n++) {
                    tails.append("mesh ").append(n).append(":\n").append(stack.mesh(n).tail(200)).append('\n');
                }
                Files.writeString(log, tails + "kafka:\n" + stack.kafka().tail(100));
                System.out.println("  failed; last output of the mesh and broker in " + log);
                throw e;
            }
        }
        Map<DeliveryPath, CheckResult> paths = checkPaths(ledger);
        CheckResult check = paths.get(DeliveryPath.INBOX);
        ScenarioResult result = new ScenarioResult(name, description, check, paths, notes, expect.held(), expect.broken(),
                (System.currentTimeMillis() - start) / 1000);
        System.out.println("  " + (result.passed() ? "PASS" : "FAIL") + ": " + check.summary());
        paths.forEach((p, c) -> System.out.println("  " + (p.holds(c) ? "holds" : "BROKEN") + " " + p.label() + ": "
                + c.summary()));
        expect.held().forEach(e -> System.out.println("  held: " + e));
        expect.broken().forEach(e -> System.out.println("  BROKEN: " + e));
        notes.forEach(n -> System.out.println("  " + n));
        return result;
    }

    /** Waits until the inboxes and every agent hold every acknowledged message, or nothing new has come for a while. */
    /**
     * One agent per delivery path, registered (they take the default TTL and heartbeat like real
     * agents: their mail reaches the inbox even while a fault keeps them from being seen).
     */
    static List<PathAgent> registerAgents(LocalStack stack, Ledger ledger, MeshHttp http) throws Exception {
        List<PathAgent> agents = List.of(new ConnectAgent(ledger, stack.grpcPorts()),
                new LongPollAgent(ledger, stack.restUrls()), new SseAgent(ledger, stack.restUrls()), new PushAgent(ledger));
        for (PathAgent a : agents) {
            MeshHttp.Reply r = http.post("/api/v1/agents", a.registration());
            if (r.status() != 201) {
                throw new IllegalStateException("register " + a.agentId() + ": " + r.status() + " " + r.body());
            }
        }
        return agents;
    }

    static void awaitQuiet(Ledger ledger, Verifier verifier, List<String> notes, Duration quiet) throws InterruptedException {
        awaitQuiet(ledger, verifier, notes, quiet, Duration.ofMinutes(5));
    }

    /**
     * Waits until the inbox topics hold every acknowledged message and each path's agent has
     * processed every acknowledged message sent to it, or nothing new has come for {@code quiet},
     * at most {@code atMost}. The sends are over: what is still missing is worked out once and then
     * only the receipts that came since are looked at.
     */
    static void awaitQuiet(Ledger ledger, Verifier verifier, List<String> notes, Duration quiet, Duration atMost)
            throws InterruptedException {
        Map<DeliveryPath, Set<String>> missing = new EnumMap<>(DeliveryPath.class);
        Map<DeliveryPath, Integer> seen = new EnumMap<>(DeliveryPath.class);
        for (DeliveryPath p : DeliveryPath.values()) {
            missing.put(p, new java.util.HashSet<>());
            seen.put(p, 0);
        }
        for (Attempt a : ledger.attempts()) {
            if (a.outcome() == Outcome.OK) {
                missing.get(DeliveryPath.INBOX).add(a.id());
                DeliveryPath.agentPaths().stream().filter(p -> p.agent().equals(a.target()))
                        .forEach(p -> missing.get(p).add(a.id()));
            }
        }
        long stopped = System.currentTimeMillis();
        long lastChange = stopped;
        int lastCount = -1;
        while (System.currentTimeMillis() - lastChange < quiet.toMillis()
                && System.currentTimeMillis() - stopped < atMost.toMillis()) {
            if (verifier.failure() != null) {
                throw new IllegalStateException("verifier failed", verifier.failure());
            }
            int count = ledger.receivedCount();
            if (count != lastCount) {
                lastCount = count;
                lastChange = System.currentTimeMillis();
            }
            boolean all = true;
            for (DeliveryPath p : DeliveryPath.values()) {
                List<Receipt> since = ledger.receiptsSince(p, seen.get(p));
                seen.merge(p, since.size(), Integer::sum);
                since.forEach(r -> missing.get(p).remove(r.id()));
                all &= missing.get(p).isEmpty();
            }
            if (all && System.currentTimeMillis() - lastChange > 3000) {
                break;
            }
            Thread.sleep(1000);
        }
        notes.add("all receipts in " + (System.currentTimeMillis() - stopped) / 1000 + " s after the load stopped");
    }

    /** Each path judged: the inbox topic against every send, each agent against the sends to it. */
    static Map<DeliveryPath, CheckResult> checkPaths(Ledger ledger) {
        List<Attempt> attempts = ledger.attempts();
        Map<DeliveryPath, CheckResult> paths = new EnumMap<>(DeliveryPath.class);
        paths.put(DeliveryPath.INBOX, Checker.check(attempts, ledger.receipts()));
        for (DeliveryPath p : DeliveryPath.agentPaths()) {
            // the sends to this agent, and any other the agent got (so that one is counted as misrouted)
            List<Receipt> got = ledger.receipts(p);
            Set<String> ids = got.stream().map(Receipt::id).collect(Collectors.toSet());
            paths.put(p, Checker.check(attempts.stream().filter(a -> a.target().equals(p.agent()) || ids.contains(a.id()))
                    .toList(), got));
        }
        return paths;
    }
}
