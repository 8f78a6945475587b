package io.agentmesh.tools.faults;

import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.tools.harness.MeshHttp;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The fault scenarios F1–F7: what each does to the stack while the load runs, and what it measures. */
public final class Scenarios {

    /** A scenario: its stack has {@code nodes} mesh nodes (the agents connect to the last one first). */
    public record Scenario(String name, String description, int nodes, Fault fault) {
        Scenario(String name, String description, Fault fault) {
            this(name, description, 1, fault);
        }
    }

    private final long phaseMillis;
    private final int kills;

    /** {@code phaseMillis}: load before, between and after faults; {@code kills}: how often F1 kills the mesh. */
    public Scenarios(long phaseMillis, int kills) {
        this.phaseMillis = phaseMillis;
        this.kills = kills;
    }

    public List<Scenario> all() {
        return List.of(
                new Scenario("F1", "kill -9 of the mesh process under load, " + kills + " times, with restarts", this::killMesh),
                new Scenario("F2", "kill -9 of the Kafka broker under load, then restart", this::killBroker),
                new Scenario("F3", "Kafka broker paused (SIGSTOP) 10 s, then SIGCONT", this::pauseBroker),
                new Scenario("F4", "Kafka broker down 30 s: sends answer 503 within the bound; time to recover", this::brokerDown),
                new Scenario("F5", "Redis stopped (kill -9) 20 s under load while agents register and discover, then restarted",
                        this::redisDown),
                new Scenario("F6", "PostgreSQL stopped 20 s under load while agents register and discover, then restarted",
                        this::postgresDown),
                new Scenario("F7", "undecodable records written straight into mesh.ingress under load", this::poison),
                new Scenario("F8", "ZooKeeper killed (kill -9) 20 s under load while agents register and discover, then"
                        + " restarted (inbox leases, leader, membership)", this::zookeeperDown),
                new Scenario("F9", "two mesh nodes route; kill -9 of the one the agents are connected to, restarted after "
                        + 2 * phaseMillis / 1000 + " s (Streams tasks move)", 2, this::killOneOfTwo));
    }

    private void load(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    /** The longest a send may wait for its answer: the send bound for metadata and again for the write, and slack. */
    static final long ANSWER_BOUND_MS = 12_000;
    private static final long RECOVERY_BOUND_MS = 60_000;
    /**
     * How long the partitions of a node killed with -9 may stay unrouted: the group notices in 10 s,
     * but the router's state has to be restored where its tasks go, and again when the node comes
     * back (an unclean stop under exactly-once wipes its local state). Measured 54–74 s on this machine.
     */
    private static final long FAILOVER_BOUND_MS = 120_000;

    private void killMesh(LocalStack stack, Ledger ledger, List<String> notes, Expectations expect) throws Exception {
        load(phaseMillis);
        for (int i = 1; i <= kills; i++) {
            stack.killMesh();
            long down = System.currentTimeMillis();
            Thread.sleep(1000);
            stack.startMesh();
            long healthy = System.currentTimeMillis() - down;
            load(phaseMillis);
            expect.expect(healthy <= RECOVERY_BOUND_MS, "kill " + i + ": the mesh is healthy again within "
                    + RECOVERY_BOUND_MS / 1000 + " s", healthy + " ms");
            expectAcceptsAgain(expect, ledger, down, "after kill " + i);
        }
    }

    private void killBroker(LocalStack stack, Ledger ledger, List<String> notes, Expectations expect) throws Exception {
        Outage o = outage(() -> stack.kafka().kill(), 5000, NOTHING, stack::startKafka);
        notes.add("broker killed for " + o.seconds() + " s; up again after " + o.startMillis() + " ms");
        load(phaseMillis * 2);
        expectAnswered(expect, ledger, o.down(), o.restart());
        expectAcceptsAgain(expect, ledger, o.restart(), "after the broker restart");
    }

    private void pauseBroker(LocalStack stack, Ledger ledger, List<String> notes, Expectations expect) throws Exception {
        Outage o = outage(() -> stack.kafka().pause(), 10_000, NOTHING, () -> stack.kafka().resume());
        load(phaseMillis * 2);
        expectAnswered(expect, ledger, o.down(), o.restart());
        expectAcceptsAgain(expect, ledger, o.restart(), "after SIGCONT");
    }

    private void brokerDown(LocalStack stack, Ledger ledger, List<String> notes, Expectations expect) throws Exception {
        Outage o = outage(() -> stack.kafka().stop(30), 30_000, NOTHING, stack::startKafka);
        notes.add("broker stopped for " + o.seconds() + " s; up again after " + o.startMillis() + " ms");
        load(phaseMillis * 2);
        // from 6 s in (the producer has noticed): every send refused with 503, in time, none accepted
        List<Attempt> during = between(ledger, o.down() + 6000, o.restart());
        long accepted = during.stream().filter(a -> a.outcome() == Outcome.OK).count();
        long not503 = during.stream().filter(a -> !a.detail().startsWith("503")).count();
        expect.expect(!during.isEmpty() && accepted == 0 && not503 == 0,
                "while the broker is down every send is answered 503, none accepted",
                during.size() + " sends, " + accepted + " accepted, " + not503 + " answered otherwise");
        expectAnswered(expect, ledger, o.down(), o.restart());
        expectAcceptsAgain(expect, ledger, o.restart(), "after the broker restart");
    }

    private void redisDown(LocalStack stack, Ledger ledger, List<String> notes, Expectations expect) throws Exception {
        Health[] whileDown = new Health[1];
        Outage o;
        try (RegistryChurn churn = churn(stack)) {
            o = outage(() -> stack.redis().kill(), 20_000, () -> whileDown[0] = health(stack), stack::startRedis);
            load(phaseMillis * 2);
            churn.close();
            // Redis is a cache: PostgreSQL holds the registry, so agents register and are found all through
            expectRegistry(expect, churn, o, "register", "201");
            expectRegistry(expect, churn, o, "lookup", "200");
            expectRegistry(expect, churn, o, "discover", "200");
            expectRegistrationsKept(expect, churn);
        }
        expect.expect(whileDown[0].degradedBy("redis"), "while Redis is down /health says degraded, redis down",
                whileDown[0].toString());
        expectSendsGoOn(expect, ledger, o);
        Health after = healthyAgain(stack);
        expect.expect(after.status().equals("up"), "after the restart /health is up again", after.toString());
    }

    private void postgresDown(LocalStack stack, Ledger ledger, List<String> notes, Expectations expect) throws Exception {
        Health[] whileDown = new Health[1];
        String[] registering = new String[1];
        Outage o;
        try (RegistryChurn churn = churn(stack)) {
            o = outage(() -> stack.postgres().stop(), 20_000, () -> {
                whileDown[0] = health(stack);
                registering[0] = registration(stack);
            }, () -> stack.postgres().start());
            load(phaseMillis * 2);
            churn.close();
            // PostgreSQL holds the registry: while it is away the registry says so (503), in time
            expectRegistry(expect, churn, o, "register", "201", "503");
            expectRegistry(expect, churn, o, "lookup", "200", "503");
            expectRegistry(expect, churn, o, "discover", "200", "503");
            expectRegistrationsKept(expect, churn);
        }
        expect.expect(whileDown[0].down().contains("postgres"), "while PostgreSQL is down /health names it down",
                whileDown[0].toString());
        expect.expect(registering[0].startsWith("503"), "while PostgreSQL is down a registration answers 503",
                registering[0]);
        expectSendsGoOn(expect, ledger, o);
        Health after = healthyAgain(stack);
        expect.expect(after.status().equals("up"), "after the restart /health is up again", after.toString());
        String registered = registration(stack);
        expect.expect(registered.startsWith("201"), "after the restart a registration answers 201", registered);
    }

    private static List<Attempt> between(Ledger ledger, long from, long to) {
        return ledger.attempts().stream().filter(a -> a.startedMillis() >= from && a.startedMillis() < to).toList();
    }

    /** Every send in flight at any time in [from, to) got its answer within the bound (none hung). */
    private static void expectAnswered(Expectations expect, Ledger ledger, long from, long to) {
        List<Attempt> inFlight = ledger.attempts().stream()
                .filter(a -> a.startedMillis() < to && a.startedMillis() + a.tookMillis() >= from).toList();
        long slowest = inFlight.stream().mapToLong(Attempt::tookMillis).max().orElse(0);
        Map<String, Long> byDetail = new java.util.TreeMap<>();
        inFlight.forEach(a -> byDetail.merge(a.outcome() + " " + a.detail(), 1L, Long::sum));
        expect.expect(!inFlight.isEmpty() && slowest <= ANSWER_BOUND_MS, "every send in flight during the fault is "
                + "answered within " + ANSWER_BOUND_MS / 1000 + " s", inFlight.size() + " sends " + byDetail
                + ", slowest answer " + slowest + " ms");
    }

    private static void expectAcceptsAgain(Expectations expect, Ledger ledger, long since, String when) {
        String first = firstOkAfter(ledger, since);
        expect.expect(!first.endsWith("none yet"), "sends are accepted again " + when, "first" + first);
    }

    /** A dependency off the send path: sends keep being accepted while it is down. */
    private static void expectSendsGoOn(Expectations expect, Ledger ledger, Outage o) {
        List<Attempt> during = between(ledger, o.down(), o.restart());
        long accepted = during.stream().filter(a -> a.outcome() == Outcome.OK).count();
        long refused = during.stream().filter(a -> a.outcome() == Outcome.FAILED).count();
        expect.expect(accepted > 0 && refused == 0, "sends are accepted all through the outage, none refused",
                answersBetween(ledger, o.down(), o.restart()));
    }

    private static Health healthyAgain(LocalStack stack) throws InterruptedException {
        long deadline = System.currentTimeMillis() + RECOVERY_BOUND_MS;
        Health h = health(stack);
        while (!h.status().equals("up") && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            h = health(stack);
        }
        return h;
    }

    interface Step {
        void run() throws Exception;
    }

    private static final Step NOTHING = () -> { };
    private static final long PROBE_AFTER_MILLIS = 5000;

    /** When a dependency went down, when it was started again, and how long starting it took. */
    private record Outage(long down, long restart, long startMillis) {
        long seconds() {
            return (restart - down) / 1000;
        }
    }

    /** One phase of load, then {@code stop}; {@code whileDown} runs 5 s in (when the outage is longer); {@code start} after {@code downMillis}. */
    private Outage outage(Step stop, long downMillis, Step whileDown, Step start) throws Exception {
        load(phaseMillis);
        stop.run();
        long down = System.currentTimeMillis();
        if (whileDown != NOTHING && downMillis > PROBE_AFTER_MILLIS) {
            Thread.sleep(PROBE_AFTER_MILLIS);
            whileDown.run();
        }
        Thread.sleep(Math.max(0, down + downMillis - System.currentTimeMillis()));
        long restart = System.currentTimeMillis();
        start.run();
        return new Outage(down, restart, System.currentTimeMillis() - restart);
    }

    /** What /health answered: its HTTP status, its status word and the components not up. */
    record Health(int http, String status, List<String> down) {

        boolean degradedBy(String component) {
            return status.equals("degraded") && down.contains(component);
        }

        @Override
        public String toString() {
            return "/health " + http + " " + status + (down.isEmpty() ? "" : " (" + String.join(", ", down) + " down)");
        }
    }

    private static Health health(LocalStack stack) {
        try {
            MeshHttp.Reply h = new MeshHttp(stack.restUrl(), Duration.ofSeconds(10)).get("/health");
            List<String> down = new java.util.ArrayList<>();
            h.json().path("components").fields().forEachRemaining(c -> {
                if (!"up".equals(c.getValue().path("status").asText())) {
                    down.add(c.getKey());
                }
            });
            return new Health(h.status(), h.json().path("status").asText(), down);
        } catch (Exception e) {
            return new Health(0, "no answer: " + e, List.of());
        }
    }

    private static String registration(LocalStack stack) {
        try {
            MeshHttp.Reply r = new MeshHttp(stack.restUrl(), Duration.ofSeconds(15)).post("/api/v1/agents",
                    "{\"id\":\"probe-" + System.nanoTime() + "\",\"name\":\"probe\"}");
            return r.status() + (r.status() >= 400 ? " " + r.json().path("code").asText() : "");
        } catch (Exception e) {
            return "nothing: " + e;
        }
    }

    private static RegistryChurn churn(LocalStack stack) {
        return new RegistryChurn(stack.restUrl(), Duration.ofMillis(500));
    }

    /**
     * Every registry call of {@code kind} started during the outage was answered within the bound
     * with one of {@code allowed} (an answer starting with it: "503" allows any 503 code).
     */
    private static void expectRegistry(Expectations expect, RegistryChurn churn, Outage o, String kind, String... allowed) {
        List<RegistryChurn.Call> during = churn.between(o.down(), o.restart()).stream().filter(c -> c.kind().equals(kind)).toList();
        boolean answered = during.stream().allMatch(c -> c.tookMillis() <= ANSWER_BOUND_MS
                && java.util.Arrays.stream(allowed).anyMatch(a -> c.answer().startsWith(a)));
        expect.expect(!during.isEmpty() && answered, "during the outage every " + kind + " is answered "
                + String.join(" or ", allowed) + " within " + ANSWER_BOUND_MS / 1000 + " s",
                churn.answers(kind, o.down(), o.restart()));
    }

    /** After the fault, every agent whose registration was answered 201 is found by id. */
    private static void expectRegistrationsKept(Expectations expect, RegistryChurn churn) throws Exception {
        List<String> missing = churn.missing();
        expect.expect(churn.registeredCount() > 0 && missing.isEmpty(), "afterwards every agent registered with 201 is found",
                churn.registeredCount() + " registered, " + missing.size() + " missing" + (missing.isEmpty() ? "" : " e.g. "
                        + missing.subList(0, Math.min(5, missing.size()))));
    }

    private void zookeeperDown(LocalStack stack, Ledger ledger, List<String> notes, Expectations expect) throws Exception {
        Health[] whileDown = new Health[1];
        Outage o;
        try (RegistryChurn churn = churn(stack)) {
            o = outage(() -> stack.zookeeper().kill(), 20_000, () -> whileDown[0] = health(stack), stack::startZookeeper);
            load(phaseMillis * 2);
            churn.close();
            expect.expect(whileDown[0].degradedBy("zookeeper"), "while ZooKeeper is down /health says degraded, zookeeper down",
                    whileDown[0].toString());
            // ZooKeeper is off the send path and the registry's
            expectSendsGoOn(expect, ledger, o);
            expectRegistry(expect, churn, o, "register", "201");
            expectRegistry(expect, churn, o, "discover", "200");
            expectRegistrationsKept(expect, churn);
        }
        Health after = healthyAgain(stack);
        expect.expect(after.status().equals("up"), "after the restart /health is up again", after.toString());
        String leader = leaderAgain(stack);
        expect.expect(!leader.isEmpty(), "after the restart a node leads again (push, health checks, expiry)",
                leader.isEmpty() ? "no leader" : "leader " + leader);
    }

    private static String leaderAgain(LocalStack stack) throws InterruptedException {
        long deadline = System.currentTimeMillis() + RECOVERY_BOUND_MS;
        while (System.currentTimeMillis() < deadline) {
            try {
                MeshHttp.Reply r = new MeshHttp(stack.restUrl(), Duration.ofSeconds(5)).get("/api/v1/cluster/status");
                String leader = r.status() == 200 ? r.json().path("leader").asText("") : "";
                if (!leader.isEmpty() && !leader.equals("null")) {
                    return leader;
                }
            } catch (Exception e) {
                // asked again
            }
            Thread.sleep(1000);
        }
        return "";
    }

    private void killOneOfTwo(LocalStack stack, Ledger ledger, List<String> notes, Expectations expect) throws Exception {
        int victim = stack.nodeCount();
        load(phaseMillis);
        stack.killMesh(victim);
        long down = System.currentTimeMillis();
        load(phaseMillis * 2);
        long restart = System.currentTimeMillis();
        stack.startMesh(victim);
        notes.add("node " + victim + " killed for " + (restart - down) / 1000 + " s; up again after "
                + (System.currentTimeMillis() - restart) + " ms");
        load(phaseMillis);
        // the other node takes the senders at once and, once the group has moved the dead node's
        // Streams tasks to it, routes everything
        expectAcceptsAgain(expect, ledger, down, "through the surviving node after the kill");
        long routed = firstRoutedAfter(ledger, down + 1000);
        expect.expect(routed >= 0 && routed <= FAILOVER_BOUND_MS, "messages of every sender sent after the kill reach the"
                + " inboxes within " + FAILOVER_BOUND_MS / 1000 + " s of it", routed < 0 ? "some sender's never did"
                : "the last sender's first after " + routed + " ms");
    }

    /**
     * How long after {@code t} the inboxes had a message, sent at or after {@code t}, of every
     * sender (every sender's partition routes again), or -1 when some sender's never came.
     */
    private static long firstRoutedAfter(Ledger ledger, long t) {
        Map<String, Attempt> sent = new java.util.HashMap<>();
        ledger.attempts().forEach(a -> sent.putIfAbsent(a.id(), a));
        Map<String, Long> firstBySender = new java.util.HashMap<>();
        for (Receipt r : ledger.receipts()) {
            Attempt a = sent.get(r.id());
            if (a != null && a.startedMillis() >= t) {
                firstBySender.merge(a.sender(), r.atMillis() - t, Math::min);
            }
        }
        long senders = ledger.attempts().stream().map(Attempt::sender).distinct().count();
        return firstBySender.size() < senders ? -1 : firstBySender.values().stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    private void poison(LocalStack stack, Ledger ledger, List<String> notes, Expectations expect) throws Exception {
        load(phaseMillis);
        int poison = 25;
        Random random = new Random(7);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (int i = 0; i < poison; i++) {
                byte[] junk = new byte[1 + random.nextInt(200)];
                random.nextBytes(junk);
                producer.send(new ProducerRecord<>(stack.topicPrefix() + ".ingress",
                        ("poison-" + i).getBytes(StandardCharsets.UTF_8), junk)).get();
                Thread.sleep(40);
            }
        }
        load(phaseMillis);
        long deadline = System.currentTimeMillis() + 60_000;
        long dead = 0;
        while (System.currentTimeMillis() < deadline && (dead = poisonInDlq(stack)) < poison) {
            Thread.sleep(1000);
        }
        expect.expect(dead == poison, "every poison record goes to mesh.dlq",
                poison + " written, " + dead + " in mesh.dlq");
    }

    private static long poisonInDlq(LocalStack stack) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> parts = c.partitionsFor(stack.topicPrefix() + ".dlq").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long count = 0;
            long deadline = System.currentTimeMillis() + 10_000;
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith("poison-")) {
                        count++;
                    }
                }
            }
            return count;
        }
    }

    /** How the sends started in [from, to) were answered: counts by outcome and the slowest answer. */
    static String answersBetween(Ledger ledger, long from, long to) {
        List<Attempt> during = ledger.attempts().stream().filter(a -> a.startedMillis() >= from && a.startedMillis() < to).toList();
        Map<String, Long> byDetail = new java.util.TreeMap<>();
        during.forEach(a -> byDetail.merge(a.outcome() + " " + a.detail(), 1L, Long::sum));
        long slowest = during.stream().mapToLong(Attempt::tookMillis).max().orElse(0);
        return "sends started during the fault: " + during.size() + " " + byDetail + ", slowest answer " + slowest + " ms";
    }

    static String firstOkAfter(Ledger ledger, long t) {
        return ledger.attempts().stream().filter(a -> a.outcome() == Outcome.OK && a.startedMillis() >= t)
                .mapToLong(Attempt::startedMillis).min()
                .stream().mapToObj(ok -> ": " + (ok - t) + " ms").findFirst().orElse(": none yet");
    }
}
