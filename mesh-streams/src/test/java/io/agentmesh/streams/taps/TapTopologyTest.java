package io.agentmesh.streams.taps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.registry.RegistryIndex;
import io.agentmesh.streams.topics.MeshTopics;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class TapTopologyTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private final ObjectMapper mapper = new ObjectMapper();
    private final MeshTopics topics = MeshTopics.defaults();
    private final TapCatalog catalog = new TapCatalog();
    private final List<String> counted = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> ingress;
    private TestInputTopic<String, String> events;
    private TestInputTopic<String, String> definitions;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "taps-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(TapTopology.topology(topics.ingress(), topics.events(), topics.tapDefinitions(),
                topics.registry(), topics.health(), catalog, new RegistryIndex(), (tap, bytes) -> counted.add(tap)), props);
        ingress = driver.createInputTopic(topics.ingress(), new ByteArraySerializer(), new ByteArraySerializer());
        events = driver.createInputTopic(topics.events(), new StringSerializer(), new StringSerializer());
        definitions = driver.createInputTopic(topics.tapDefinitions(), new StringSerializer(), new StringSerializer());
        TestInputTopic<String, String> registry = driver.createInputTopic(topics.registry(), new StringSerializer(), new StringSerializer());
        registry.pipeInput("a", agent("a", "blue", "plan"));
        registry.pipeInput("b", agent("b", "blue", "ocr"));
        registry.pipeInput("c", agent("c", "red", "ocr"));
        registry.pipeInput("d", agent("d", "red", "plan"));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static String agent(String id, String ns, String capability) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"namespace\":\"" + ns + "\",\"capabilities\":[\"" + capability
                + "\"],\"status\":\"active\"}";
    }

    private void tap(String name, String filter, String payload) {
        definitions.pipeInput(name, "{\"name\":\"" + name + "\",\"topic\":\"" + topics.tap(name) + "\",\"filter\":" + filter
                + ",\"payload\":" + payload + ",\"hmac_key\":\"" + KEY + "\"}");
    }

    private TestOutputTopic<String, String> out(String name) {
        return driver.createOutputTopic(topics.tap(name), new StringDeserializer(), new StringDeserializer());
    }

    private static TestRecord<byte[], byte[]> message(String from, String id, String to, String key, String payload) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId(id).withSource(URI.create("mesh://agent/" + from))
                .withType("order.created").withDataContentType("application/json").withExtension(MeshHeaders.EXT_TO, to)
                .withExtension(MeshHeaders.EXT_FROM, from).withData(payload.getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> r = KafkaMessageFactory.createWriter("mesh.ingress", null, T0.toEpochMilli(),
                key.getBytes(StandardCharsets.UTF_8)).writeBinary(b.build());
        return new TestRecord<>(r.key(), r.value(), r.headers(), T0);
    }

    private void routed(String id, String from, String to, String key, String agent) {
        events.pipeInput(id, "{\"event\":\"routed\",\"id\":\"" + id + "\",\"to\":\"" + to + "\",\"from\":\"" + from
                + "\",\"type\":\"order.created\",\"source\":\"mesh://agent/" + from + "\",\"key\":\"" + key
                + "\",\"bytes\":10,\"time\":\"2026-12-01T10:00:00.012Z\",\"accepted_at\":\"2026-12-01T10:00:00Z\",\"agents\":[\""
                + agent + "\"],\"attempt\":1}", T0.plusMillis(12));
    }

    private List<JsonNode> read(TestOutputTopic<String, String> topic) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (var kv : topic.readKeyValuesToList()) {
            JsonNode json = mapper.readTree(kv.value);
            assertThat(kv.key).as("keyed by the conversation").isEqualTo(json.path("key").asText());
            out.add(json);
        }
        return out;
    }

    @Test
    void aNamespaceTapWithHashedPayloadsTakesThatNamespacesMessagesAndOutcomesOnly() throws Exception {
        tap("blue", "{\"namespaces\":[\"blue\"]}", "{\"mode\":\"hash\"}");
        var blue = out("blue");
        ingress.pipeInput(message("a", "m1", "agent:b", "conv-1", "{\"secret\":42}"));
        ingress.pipeInput(message("c", "m2", "agent:d", "conv-2", "{\"secret\":42}"));
        ingress.pipeInput(message("c", "m3", "capability:plan", "conv-3", "{\"secret\":42}"));
        routed("m1", "a", "agent:b", "conv-1", "b");
        routed("m2", "c", "agent:d", "conv-2", "d");
        routed("m3", "c", "capability:plan", "conv-3", "d");
        events.pipeInput("m1", "{\"event\":\"delivered\",\"id\":\"m1\",\"agent\":\"b\",\"via\":\"long-poll\",\"to\":\"agent:b\","
                + "\"from\":\"a\",\"type\":\"order.created\",\"key\":\"conv-1\",\"bytes\":13,\"partition\":0,\"offset\":7,"
                + "\"time\":\"2026-12-01T10:00:01Z\"}");

        List<JsonNode> records = read(blue);
        // m3 went to a capability that agent a in blue has, so its acceptance is blue's; it was routed to d (red)
        assertThat(records).extracting(r -> r.path("event").asText() + " " + r.path("id").asText())
                .containsExactly("accepted m1", "accepted m3", "routed m1", "delivered m1");
        JsonNode accepted = records.get(0);
        assertThat(accepted.has("payload")).isFalse();
        assertThat(accepted.toString()).doesNotContain("secret");
        assertThat(accepted.path("payload_hmac_sha256").asText())
                .isEqualTo(PayloadPolicy.hmac(Base64.getDecoder().decode(KEY), "{\"secret\":42}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(records.get(1).path("payload_hmac_sha256").asText());
        assertThat(accepted.path("schema").asText()).isEqualTo(TapRecords.SCHEMA);
        assertThat(accepted.path("event_id").asText()).isEqualTo("ingress:0:0");
        assertThat(accepted.path("from").asText()).isEqualTo("a");
        assertThat(accepted.path("type").asText()).isEqualTo("order.created");
        assertThat(accepted.path("namespaces").toString()).isEqualTo("[\"blue\"]");
        assertThat(records.get(2).path("routing_latency_ms").asLong()).isEqualTo(12);
        assertThat(records.get(3).path("via").asText()).isEqualTo("long-poll");
        assertThat(counted).containsOnly("blue").hasSize(4);
    }

    @Test
    void aDropTapHasNoPayloadAndAnIncludeTapHasIt() throws Exception {
        tap("dropped", "{}", "{\"mode\":\"drop\"}");
        tap("whole", "{}", "{\"mode\":\"include\"}");
        ingress.pipeInput(message("a", "m1", "agent:b", "k", "{\"x\":[1,2]}"));
        JsonNode dropped = read(out("dropped")).get(0);
        assertThat(dropped.fieldNames()).toIterable().noneMatch(f -> f.startsWith("payload"));
        assertThat(dropped.toString()).doesNotContain("[1,2]");
        assertThat(read(out("whole")).get(0).path("payload").toString()).isEqualTo("{\"x\":[1,2]}");
    }

    @Test
    void aPayloadTooLargeForTheTapIsLeftOutAndSaidSo() throws Exception {
        tap("whole", "{}", "{\"mode\":\"include\"}");
        ingress.pipeInput(message("a", "m1", "agent:b", "k", "\"" + "x".repeat(TapRecords.MAX_RECORD_BYTES) + "\""));
        JsonNode r = read(out("whole")).get(0);
        assertThat(r.has("payload")).isFalse();
        assertThat(r.path("payload_dropped").asText()).contains("over the tap's limit");
    }

    @Test
    void redactionRemovesTheNamedFieldsOnly() throws Exception {
        tap("red", "{}", "{\"mode\":\"redact\",\"fields\":[\"user.email\",\"items.*.ssn\",\"absent.path\"]}");
        ingress.pipeInput(message("a", "m1", "agent:b", "k",
                "{\"user\":{\"email\":\"e@x\",\"name\":\"n\"},\"items\":[{\"ssn\":1,\"q\":2},{\"ssn\":3}],\"total\":5}"));
        assertThat(read(out("red")).get(0).path("payload").toString())
                .isEqualTo("{\"user\":{\"name\":\"n\"},\"items\":[{\"q\":2},{}],\"total\":5}");
    }

    @Test
    void filtersOnEventsTypesSendersTargetsAndCapabilities() throws Exception {
        tap("dead", "{\"events\":[\"dead_lettered\"]}", "{\"mode\":\"drop\"}");
        tap("from-c", "{\"senders\":[\"c\"],\"types\":[\"order.*\"]}", "{\"mode\":\"drop\"}");
        tap("ocr", "{\"capabilities\":[\"ocr\"],\"targets\":[\"b\"]}", "{\"mode\":\"drop\"}");
        tap("other-type", "{\"types\":[\"invoice.paid\"]}", "{\"mode\":\"drop\"}");
        ingress.pipeInput(message("a", "m1", "agent:b", "k1", "{}"));
        ingress.pipeInput(message("c", "m2", "agent:x", "k2", "{}"));
        events.pipeInput("m2", "{\"event\":\"dead_lettered\",\"id\":\"m2\",\"to\":\"agent:x\",\"from\":\"c\",\"type\":\"order.created\","
                + "\"key\":\"k2\",\"reason\":\"UNKNOWN_TARGET\",\"error\":\"no agent 'x'\",\"attempts\":1,"
                + "\"time\":\"2026-12-01T10:00:00Z\",\"accepted_at\":\"2026-12-01T10:00:00Z\"}");
        assertThat(read(out("dead"))).extracting(r -> r.path("id").asText() + " " + r.path("reason").asText())
                .containsExactly("m2 UNKNOWN_TARGET");
        assertThat(read(out("from-c"))).extracting(r -> r.path("event").asText()).containsExactly("accepted", "dead_lettered");
        assertThat(read(out("ocr"))).extracting(r -> r.path("id").asText()).containsExactly("m1");
        assertThat(out("other-type").isEmpty()).isTrue();
    }

    @Test
    void unreadableRecordsAndDefinitionsAreSkippedAndAnEndedTapWritesNoMore() throws Exception {
        definitions.pipeInput("broken", "{not json");
        definitions.pipeInput("bad-mode", "{\"name\":\"bad-mode\",\"topic\":\"t\",\"payload\":{\"mode\":\"peek\"}}");
        tap("all", "{}", "{\"mode\":\"drop\"}");
        assertThat(catalog.all()).extracting(TapDefinition::name).containsExactly("all");
        ingress.pipeInput(new TestRecord<>("k".getBytes(), "garbage".getBytes(), T0));
        events.pipeInput("x", "{nope");
        events.pipeInput("x", "{\"event\":\"something_new\",\"id\":\"x\"}");
        ingress.pipeInput(message("a", "m1", "agent:b", "k", "{}"));
        var all = out("all");
        assertThat(read(all)).extracting(r -> r.path("id").asText()).containsExactly("m1");

        definitions.pipeInput("all", (String) null);
        ingress.pipeInput(message("a", "m2", "agent:b", "k", "{}"));
        assertThat(all.isEmpty()).isTrue();
        assertThat(catalog.all()).isEmpty();
    }

    @Test
    void aPositionAckIsKeyedByItsAgentAndCarriesItsOffsets() throws Exception {
        tap("acks", "{\"namespaces\":[\"blue\"],\"events\":[\"acked\"]}", "{\"mode\":\"drop\"}");
        events.pipeInput("b", "{\"event\":\"acked\",\"agent\":\"b\",\"via\":\"rest\",\"offsets\":{\"0\":8},\"time\":\"2026-12-01T10:00:02Z\"}");
        JsonNode ack = read(out("acks")).get(0);
        assertThat(ack.path("key").asText()).isEqualTo("b");
        assertThat(ack.path("offsets").toString()).isEqualTo(mapper.writeValueAsString(Map.of("0", 8)));
    }
}
