package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Analytics taps on the real broker: a namespace tap with hashed payloads gets exactly that
 * namespace's messages and their outcomes, drop and redact show what they promise, bad definitions
 * are refused, a deleted tap stops at once and loses its topic after its retention, and the taps
 * application reads only while a tap exists and then nothing from before the oldest tap began.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class TapsIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final Topics TOPICS = new Topics(TestInfra.get().bootstrapServers());

    @AfterAll
    static void close() {
        TOPICS.close();
    }

    private static void register(String id, String namespace) {
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"namespace\":\""
                + namespace + "\",\"capabilities\":[\"work\"]}").status()).isEqualTo(201);
    }

    private static String send(String from, String to, String payload) {
        Http.Reply r = Http.post(MESH.url("/api/v1/messages"), "{\"from\":\"" + from + "\",\"to\":\"agent:" + to
                + "\",\"type\":\"order.created\",\"payload\":" + payload + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().path("id").asText();
    }

    /** Creates a tap and waits until this node's taps application runs it. */
    private static JsonNode tap(String body) {
        Http.Reply created = Http.post(MESH.url("/api/v1/taps"), body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String name = created.json().path("name").asText();
        await().atMost(30, SECONDS).until(() -> Http.get(MESH.url("/api/v1/taps/" + name)).json().path("live").asBoolean());
        return created.json();
    }

    private static List<JsonNode> read(String topic, Predicate<List<JsonNode>> done) {
        return read(topic, done, Duration.ofSeconds(30));
    }

    private static List<JsonNode> read(String topic, Predicate<List<JsonNode>> done, Duration atMost) {
        List<JsonNode> seen = new ArrayList<>();
        TOPICS.readUntil(topic, records -> {
            seen.clear();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                JsonNode json = parse(r.value());
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).as("keyed by conversation").isEqualTo(json.path("key").asText());
                seen.add(json);
            }
            return done.test(seen);
        }, atMost);
        return seen;
    }

    private static JsonNode parse(byte[] value) {
        try {
            return Http.JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new AssertionError("a tap record is not JSON: " + new String(value, StandardCharsets.UTF_8), e);
        }
    }

    private static List<String> events(List<JsonNode> records) {
        return records.stream().map(r -> r.path("event").asText() + " " + r.path("id").asText()).toList();
    }

    @Test
    void aNamespaceTapWithHashedPayloadsGetsThatNamespacesMessagesAndOutcomesAndNoRawPayload() {
        String blue = "blue-" + RUN;
        String red = "red-" + RUN;
        String a = "tap-a-" + RUN;
        String b = "tap-b-" + RUN;
        String c = "tap-c-" + RUN;
        register(a, blue);
        register(b, blue);
        register(c, red);
        JsonNode created = tap("{\"name\":\"" + blue + "\",\"filter\":{\"namespaces\":[\"" + blue + "\"]},"
                + "\"payload\":{\"mode\":\"hash\"},\"retention\":\"1h\"}");
        String topic = created.path("topic").asText();
        assertThat(topic).isEqualTo(MESH.topic("tap." + blue));
        assertThat(created.toString()).doesNotContain("hmac_key");

        String m1 = send(a, b, "{\"card\":\"4111-1111\"}");
        String m2 = send(a, b, "{\"card\":\"4111-1111\"}");
        String m3 = send(c, c, "{\"card\":\"5500-0000\"}");
        // b reads both (a long-poll may come back with the first alone): each read is a delivered event
        await().atMost(30, SECONDS).until(() -> {
            Http.Reply polled = Http.get(MESH.url("/api/v1/agents/" + b + "/messages?max=10&wait=2"));
            return polled.status() == 200 && polled.body().contains(m2);
        });

        Set<String> wanted = Set.of("accepted " + m1, "accepted " + m2, "routed " + m1, "routed " + m2,
                "delivered " + m1, "delivered " + m2);
        List<JsonNode> records = read(topic, seen -> events(seen).containsAll(wanted));
        assertThat(events(records)).containsAll(wanted).noneMatch(e -> e.endsWith(m3));
        assertThat(records).allSatisfy(r -> {
            assertThat(r.has("payload")).isFalse();
            assertThat(r.toString()).doesNotContain("4111");
            assertThat(r.path("namespaces").toString()).contains(blue);
            assertThat(r.path("schema").asText()).isEqualTo("agentmesh.tap/v1");
        });
        List<String> hashes = records.stream().filter(r -> r.path("event").asText().equals("accepted"))
                .map(r -> r.path("payload_hmac_sha256").asText()).distinct().toList();
        assertThat(hashes).as("equal payloads, equal hashes").hasSize(1).allMatch(h -> h.matches("[0-9a-f]{64}"));
        JsonNode routed = records.stream().filter(r -> r.path("event").asText().equals("routed")).findFirst().orElseThrow();
        assertThat(routed.path("routing_latency_ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(routed.path("from").asText()).isEqualTo(a);
        assertThat(routed.path("type").asText()).isEqualTo("order.created");

        JsonNode described = Http.get(MESH.url("/api/v1/taps/" + blue)).json();
        assertThat(described.path("this_node").path("records").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(Http.get(MESH.url("/metrics")).body()).contains("mesh_tap_records_total{tap=\"" + blue + "\"}");
    }

    @Test
    void dropShowsNoPayloadAndRedactRemovesTheNamedFieldsOnly() {
        String ns = "green-" + RUN;
        String a = "tap-d-" + RUN;
        register(a, ns);
        String dropped = tap("{\"name\":\"drop-" + RUN + "\",\"filter\":{\"senders\":[\"" + a + "\"]},\"payload\":{\"mode\":\"drop\"}}")
                .path("topic").asText();
        String redacted = tap("{\"name\":\"redact-" + RUN + "\",\"filter\":{\"namespaces\":[\"" + ns + "\"],\"events\":[\"accepted\"]},"
                + "\"payload\":{\"mode\":\"redact\",\"fields\":[\"user.email\",\"items.*.ssn\"]}}").path("topic").asText();
        String id = send(a, a, "{\"user\":{\"email\":\"e@example.com\",\"name\":\"Ann\"},\"items\":[{\"ssn\":\"1\",\"q\":2}],\"total\":5}");

        List<JsonNode> drop = read(dropped, seen -> events(seen).contains("routed " + id));
        assertThat(drop).isNotEmpty().allSatisfy(r -> {
            assertThat(r.fieldNames()).toIterable().noneMatch(f -> f.startsWith("payload"));
            assertThat(r.toString()).doesNotContain("Ann").doesNotContain("e@example.com");
        });
        List<JsonNode> red = read(redacted, seen -> events(seen).contains("accepted " + id));
        assertThat(events(red)).containsExactly("accepted " + id);
        assertThat(red.get(0).path("payload").toString())
                .isEqualTo("{\"user\":{\"name\":\"Ann\"},\"items\":[{\"q\":2}],\"total\":5}");
    }

    @Test
    void aBackfillYieldsTheRecordsLiveTappingWrote() {
        String ns = "back-" + RUN;
        String a = "tap-e-" + RUN;
        String b = "tap-f-" + RUN;
        register(a, ns);
        register(b, ns);
        String filter = "\"filter\":{\"namespaces\":[\"" + ns + "\"]},\"payload\":{\"mode\":\"include\"}";
        String live = tap("{\"name\":\"live-" + RUN + "\"," + filter + "}").path("topic").asText();
        java.time.Instant start = java.time.Instant.now().minusSeconds(1);
        List<String> ids = List.of(send(a, b, "{\"n\":1}"), send(b, a, "{\"n\":2}"), send(a, b, "\"three\""));
        Predicate<List<JsonNode>> all = seen -> events(seen).containsAll(ids.stream()
                .flatMap(id -> java.util.stream.Stream.of("accepted " + id, "routed " + id)).toList());
        List<JsonNode> liveRecords = read(live, all);
        assertThat(liveRecords).hasSize(6);

        String late = "late-" + RUN;
        String backfilled = tap("{\"name\":\"" + late + "\"," + filter + "}").path("topic").asText();
        Http.Reply started = Http.post(MESH.url("/api/v1/taps/" + late + "/backfill"), "{\"from\":\"" + start + "\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        await().atMost(60, SECONDS).until(() -> "done".equals(
                Http.get(MESH.url("/api/v1/taps/" + late + "/backfill")).json().path("state").asText()));
        JsonNode status = Http.get(MESH.url("/api/v1/taps/" + late + "/backfill")).json();
        assertThat(status.path("records_written").asLong()).isEqualTo(6);
        assertThat(status.path("records_read").asLong()).isGreaterThanOrEqualTo(6);

        List<JsonNode> backRecords = read(backfilled, all);
        java.util.function.Function<JsonNode, JsonNode> withoutTap = r -> ((com.fasterxml.jackson.databind.node.ObjectNode) r.deepCopy()).without("tap");
        assertThat(backRecords.stream().map(withoutTap).toList())
                .containsExactlyInAnyOrderElementsOf(liveRecords.stream().map(withoutTap).toList());

        assertThat(Http.post(MESH.url("/api/v1/taps/" + late + "/backfill"), "{\"from\":\"yesterday\"}").status()).isEqualTo(400);
        assertThat(Http.post(MESH.url("/api/v1/taps/" + late + "/backfill"), "{\"from\":\"" + start + "\",\"to\":\""
                + start.minusSeconds(5) + "\"}").json().path("details").path("field").asText()).isEqualTo("to");
        assertThat(Http.post(MESH.url("/api/v1/taps/absent-" + RUN + "/backfill"), "{\"from\":\"" + start + "\"}").status())
                .isEqualTo(404);
        assertThat(Http.post(MESH.url("/api/v1/taps/" + late + "/backfill"), "{\"from\":\""
                + java.time.Instant.now().plusSeconds(60) + "\"}").json().path("details").path("field").asText()).isEqualTo("from");
    }

    private static String[] cli(int expectedExit, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + MESH.url(""));
        int exit = io.agentmesh.service.cli.MeshCli.run(new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8), all.toArray(new String[0]));
        String[] printed = {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        assertThat(exit).as(String.join(" ", args) + "\n" + printed[0] + printed[1]).isEqualTo(expectedExit);
        return printed;
    }

    @Test
    void theCliCreatesListsTailsBackfillsAndDeletesATap() {
        String ns = "cli-" + RUN;
        String a = "tap-h-" + RUN;
        register(a, ns);
        String name = "cli-" + RUN;
        java.time.Instant start = java.time.Instant.now().minusSeconds(1);
        assertThat(cli(0, "taps", "create", name, "--payload", "redact", "--redact", "secret", "--namespace", ns,
                "--event", "accepted", "--retention", "2h")[0]).contains("tap " + name + " writes to " + MESH.topic("tap." + name));
        assertThat(cli(0, "taps", "list")[0]).contains(name, "redact");
        await().atMost(30, SECONDS).until(() -> cli(0, "taps", "describe", name)[0].contains("live: true"));
        String id = send(a, a, "{\"secret\":\"s3\",\"kept\":1}");

        String tailed = cli(0, "taps", "tail", name, "--from-beginning", "-n", "1", "--wait", "20s")[0];
        assertThat(tailed.lines().toList()).hasSize(1);
        JsonNode record = parse(tailed.strip().getBytes(StandardCharsets.UTF_8));
        assertThat(record.path("id").asText()).isEqualTo(id);
        assertThat(record.path("payload").toString()).isEqualTo("{\"kept\":1}");

        assertThat(cli(0, "taps", "backfill", name, "--from", start.toString())[0]).contains("backfilled", "1 records written");
        assertThat(cli(1, "taps", "create", "bad-" + RUN, "--payload", "peek")[1]).contains("payload.mode");
        assertThat(cli(0, "taps", "delete", name)[0]).contains("tap " + name + " ended");
        assertThat(cli(1, "taps", "describe", name)[1]).contains("no tap");
    }

    @Test
    void badDefinitionsAreRefusedWithTheFieldAndNothingIsStored() {
        record Case(String body, String field) {
        }
        for (Case c : List.of(
                new Case("{\"name\":\"Bad_Name\",\"payload\":{\"mode\":\"drop\"}}", "name"),
                new Case("{\"name\":\"no-payload-" + RUN + "\"}", "payload"),
                new Case("{\"name\":\"bad-mode-" + RUN + "\",\"payload\":{\"mode\":\"peek\"}}", "payload.mode"),
                new Case("{\"name\":\"redact-none-" + RUN + "\",\"payload\":{\"mode\":\"redact\"}}", "payload.fields"),
                new Case("{\"name\":\"bad-event-" + RUN + "\",\"filter\":{\"events\":[\"opened\"]},\"payload\":{\"mode\":\"drop\"}}",
                        "filter.events"),
                new Case("{\"name\":\"bad-filter-" + RUN + "\",\"filter\":{\"colour\":[\"x\"]},\"payload\":{\"mode\":\"drop\"}}",
                        "filter.colour"),
                new Case("{\"name\":\"bad-ret-" + RUN + "\",\"payload\":{\"mode\":\"drop\"},\"retention\":\"1s\"}", "retention"),
                new Case("{\"name\":\"bad-field-" + RUN + "\",\"payload\":{\"mode\":\"drop\"},\"owner\":\"x\"}", "owner"))) {
            Http.Reply r = Http.post(MESH.url("/api/v1/taps"), c.body());
            assertThat(r.status()).as(c.body() + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().path("details").path("field").asText()).as(r.body()).isEqualTo(c.field());
        }
        assertThat(Http.get(MESH.url("/api/v1/taps")).json().path("taps").toString()).doesNotContain("bad-").doesNotContain("no-payload");
        String name = "twice-" + RUN;
        assertThat(Http.post(MESH.url("/api/v1/taps"), "{\"name\":\"" + name + "\",\"payload\":{\"mode\":\"drop\"}}").status()).isEqualTo(201);
        // a PUT changes what it gives and keeps the rest
        assertThat(Http.put(MESH.url("/api/v1/taps/" + name), "{\"filter\":{\"namespaces\":[\"x\"]},\"retention\":\"2h\"}")
                .status()).isEqualTo(200);
        JsonNode changed = Http.put(MESH.url("/api/v1/taps/" + name), "{\"payload\":{\"mode\":\"hash\"}}").json();
        assertThat(changed.path("filter").toString()).isEqualTo("{\"namespaces\":[\"x\"]}");
        assertThat(changed.path("retention_ms").asLong()).isEqualTo(7_200_000L);
        assertThat(changed.path("payload").path("mode").asText()).isEqualTo("hash");
        Http.Reply noReader = Http.put(MESH.url("/api/v1/taps/" + name), "{\"reader\":\"nobody-" + RUN + "\"}");
        assertThat(noReader.status()).isEqualTo(400);
        assertThat(noReader.json().path("details").path("field").asText()).isEqualTo("reader");
        assertThat(Http.put(MESH.url("/api/v1/taps/" + name), "{\"partitions\":7}").json().path("details").path("field").asText())
                .isEqualTo("partitions");
        Http.Reply again = Http.post(MESH.url("/api/v1/taps"), "{\"name\":\"" + name + "\",\"payload\":{\"mode\":\"drop\"}}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("code").asText()).isEqualTo("CONFLICT");
        assertThat(Http.get(MESH.url("/api/v1/taps/absent-" + RUN)).status()).isEqualTo(404);
        JsonNode schema = Http.get(MESH.url("/api/v1/taps/schema")).json();
        assertThat(schema.path("properties").path("schema").path("const").asText()).isEqualTo("agentmesh.tap/v1");
    }

    @Test
    void aDeletedTapStopsAtOnceAndItsTopicGoesAfterItsRetention() throws Exception {
        String ns = "gone-" + RUN;
        String a = "tap-g-" + RUN;
        register(a, ns);
        String name = "gone-" + RUN;
        String witness = "witness-" + RUN;
        String topic = tap("{\"name\":\"" + name + "\",\"filter\":{\"senders\":[\"" + a + "\"],\"events\":[\"accepted\"]},"
                + "\"payload\":{\"mode\":\"drop\"},\"retention\":\"10s\"}").path("topic").asText();
        String witnessTopic = tap("{\"name\":\"" + witness + "\",\"filter\":{\"senders\":[\"" + a + "\"],\"events\":[\"accepted\"]},"
                + "\"payload\":{\"mode\":\"drop\"}}").path("topic").asText();
        String before = send(a, a, "1");
        assertThat(events(read(topic, seen -> !seen.isEmpty()))).containsExactly("accepted " + before);

        Http.Reply deleted = Http.delete(MESH.url("/api/v1/taps/" + name));
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().path("deleted_at").isTextual()).isTrue();
        assertThat(Http.get(MESH.url("/api/v1/taps/" + name)).status()).isEqualTo(404);
        assertThat(Http.get(MESH.url("/api/v1/taps")).body()).doesNotContain("\"" + name + "\"");
        Http.Reply reuse = Http.post(MESH.url("/api/v1/taps"), "{\"name\":\"" + name + "\",\"payload\":{\"mode\":\"drop\"}}");
        assertThat(reuse.status()).isEqualTo(409);
        assertThat(reuse.json().path("message").asText()).contains("was deleted");
        // the application reads the tombstone before what follows it in time; the witness tap shows when it got there
        Thread.sleep(1_000);
        String after = send(a, a, "2");
        assertThat(events(read(witnessTopic, seen -> events(seen).contains("accepted " + after))))
                .containsExactlyInAnyOrder("accepted " + before, "accepted " + after);
        assertThat(events(read(topic, seen -> seen.size() > 1, Duration.ofSeconds(2))))
                .as("nothing after the delete").containsExactly("accepted " + before);

        await().atMost(90, SECONDS).pollInterval(2, SECONDS).until(() -> !TOPICS.names(topic).contains(topic));
        assertThat(TOPICS.names(witnessTopic)).contains(witnessTopic);
    }

    @Test
    void theApplicationReadsNothingWhileNoTapExistsAndStartsWhereTheOldestTapBegan() throws Exception {
        String group = MESH.prefix() + "-router-taps";
        String a = "tap-idle-" + RUN;
        register(a, "idle-" + RUN);
        // the application has run (and kept positions) before the last tap goes
        tap("{\"name\":\"first-" + RUN + "\",\"payload\":{\"mode\":\"drop\"}}");
        for (JsonNode t : Http.get(MESH.url("/api/v1/taps")).json().path("taps")) {
            assertThat(Http.delete(MESH.url("/api/v1/taps/" + t.path("name").asText())).status()).isEqualTo(200);
        }
        await().atMost(30, SECONDS).until(() -> TOPICS.groupMembers(group) == 0);
        String unseen = send(a, a, "1");
        // sent and routed while no tap exists: its accepted and routed events lie before the next tap,
        // and before the margin the application allows for node clocks behind PostgreSQL's
        Thread.sleep(2_500);
        String topic = tap("{\"name\":\"later-" + RUN + "\",\"filter\":{\"senders\":[\"" + a + "\"]},"
                + "\"payload\":{\"mode\":\"drop\"}}").path("topic").asText();
        await("the application runs again").atMost(30, SECONDS).until(() -> TOPICS.groupMembers(group) > 0);
        String seen = send(a, a, "2");
        List<JsonNode> records = read(topic, r -> events(r).contains("routed " + seen));
        assertThat(events(records)).as("nothing from before the tap began").doesNotContain("accepted " + unseen, "routed " + unseen)
                .contains("accepted " + seen, "routed " + seen);
    }
}
