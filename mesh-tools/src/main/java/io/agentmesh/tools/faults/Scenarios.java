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

    public record Scenario(String name, String description, Fault fault) {
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
                new Scenario("F5", "Redis stopped (kill -9) 20 s under load, then restarted", this::redisDown),
                new Scenario("F6", "PostgreSQL stopped 20 s under load, then restarted", this::postgresDown),
                new Scenario("F7", "undecodable records written straight into mesh.ingress under load", this::poison));
    }

    private void load(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    private void killMesh(LocalStack stack, Ledger ledger, List<String> notes) throws Exception {
        load(phaseMillis);
        for (int i = 1; i <= kills; i++) {
            stack.killMesh();
            long down = System.currentTimeMillis();
            Thread.sleep(1000);
            stack.startMesh();
            long healthy = System.currentTimeMillis() - down;
            load(phaseMillis);
            notes.add("kill " + i + ": mesh healthy again " + healthy + " ms after the kill; first accepted send"
                    + firstOkAfter(ledger, down));
        }
    }

    private void killBroker(LocalStack stack, Ledger ledger, List<String> notes) throws Exception {
        Outage o = outage(() -> stack.kafka().kill(), 5000, NOTHING, stack::startKafka);
        notes.add("broker killed for " + o.seconds() + " s; up again after " + o.startMillis() + " ms");
        load(phaseMillis * 2);
        notes.add("first accepted send after the restart" + firstOkAfter(ledger, o.restart()));
        notes.add(answersBetween(ledger, o.down(), o.restart()));
    }

    private void pauseBroker(LocalStack stack, Ledger ledger, List<String> notes) throws Exception {
        Outage o = outage(() -> stack.kafka().pause(), 10_000, NOTHING, () -> stack.kafka().resume());
        load(phaseMillis * 2);
        notes.add("first accepted send after SIGCONT" + firstOkAfter(ledger, o.restart()));
        notes.add(answersBetween(ledger, o.down(), o.restart()));
    }

    private void brokerDown(LocalStack stack, Ledger ledger, List<String> notes) throws Exception {
        Outage o = outage(() -> stack.kafka().stop(30), 30_000, NOTHING, stack::startKafka);
        notes.add("broker stopped for " + o.seconds() + " s; up again after " + o.startMillis() + " ms");
        load(phaseMillis * 2);
        notes.add(answersBetween(ledger, o.down() + 6000, o.restart()));
        notes.add("first accepted send after the broker restart" + firstOkAfter(ledger, o.restart()));
    }

    private void redisDown(LocalStack stack, Ledger ledger, List<String> notes) throws Exception {
        Outage o = outage(() -> stack.redis().kill(), 20_000,
                () -> notes.add("while Redis is down: " + health(stack)), stack::startRedis);
        load(phaseMillis * 2);
        notes.add(answersBetween(ledger, o.down(), o.restart()));
        notes.add("after the restart: " + health(stack));
    }

    private void postgresDown(LocalStack stack, Ledger ledger, List<String> notes) throws Exception {
        Outage o = outage(() -> stack.postgres().stop(), 20_000,
                () -> notes.add("while PostgreSQL is down: " + health(stack) + "; a registration answers " + registration(stack)),
                () -> stack.postgres().start());
        load(phaseMillis * 2);
        notes.add(answersBetween(ledger, o.down(), o.restart()));
        notes.add("after the restart: " + health(stack) + "; a registration answers " + registration(stack));
    }

    private interface Step {
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

    private static String health(LocalStack stack) {
        try {
            MeshHttp.Reply h = new MeshHttp(stack.restUrl(), Duration.ofSeconds(10)).get("/health");
            StringBuilder down = new StringBuilder();
            h.json().path("components").fields().forEachRemaining(c -> {
                if (!"up".equals(c.getValue().path("status").asText())) {
                    down.append(down.length() == 0 ? "" : ", ").append(c.getKey()).append(' ')
                            .append(c.getValue().path("status").asText());
                }
            });
            return "/health " + h.status() + " " + h.json().path("status").asText()
                    + (down.length() == 0 ? "" : " (" + down + ")");
        } catch (Exception e) {
            return "/health did not answer: " + e;
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

    private void poison(LocalStack stack, Ledger ledger, List<String> notes) throws Exception {
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
        notes.add(poison + " poison records written; " + dead + " in mesh.dlq"
                + (dead == poison ? " (equal)" : " (MISMATCH)"));
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
