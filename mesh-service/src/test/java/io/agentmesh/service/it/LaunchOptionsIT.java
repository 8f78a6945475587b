package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code ./mesh server --log-format json} and {@code --otel} set, on the packaged jar in its
 * own process: the console and logs/mesh.log as one JSON object per line (areas' files unchanged);
 * with the OpenTelemetry agent (logging exporter), one trace spans the sender's request, ingress,
 * routing (retries and dead letters included), the inbox and the receiving agent's read, and the
 * message carries its traceparent.
 */
class LaunchOptionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "lo" + UUID.randomUUID().toString().substring(0, 6);
    private static final List<NodeProcess> NODES = new ArrayList<>();
    private static Path dir;
    private static Path logs;
    private static NodeProcess node;

    @BeforeAll
    static void prepare() throws Exception {
        assertThat(NodeProcess.JAR).as("system property mesh.jar").isNotNull();
        dir = Files.createTempDirectory("mesh-launch-");
        logs = dir.resolve("logs");
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (NodeProcess n : NODES) {
            n.stop();
        }
    }

    /**
     * One node with both options (a node start is most of each check's time): {@code --otel} with
     * the logging exporter, and {@code --log-format json}.
     */
    private static synchronized NodeProcess node() throws Exception {
        if (node == null) {
            String agentJar = System.getProperty("mesh.otel.agent");
            assertThat(agentJar).as("system property mesh.otel.agent").isNotNull();
            assertThat(Path.of(agentJar)).exists();
            // a prefix of its own: no other node's (uninstrumented) router may take the messages
            node = NodeProcess.start(PREFIX, "otel-json", dir, List.of("-javaagent:" + agentJar,
                    "-Dotel.service.name=agent-mesh-it", "-Dotel.traces.exporter=logging", "-Dotel.metrics.exporter=none",
                    "-Dotel.logs.exporter=none", "-Dotel.bsp.schedule.delay=200",
                    "-Ddw.logging.appenders[0].layout.type=json", "-Ddw.logging.appenders[1].layout.type=json"),
                    Map.of("MESH_LOG_DIR", logs.toString()));
            NODES.add(node);
            node.awaitUp();
        }
        return node;
    }

    @Test
    void oneTraceSpansSendRouteAndDeliver() throws Exception {
        NodeProcess node = node();
        String prefix = PREFIX;
        String agent = "traced-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(node.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"T\"}").status())
                .isEqualTo(201);

        // the sender's own trace: the mesh continues it
        String traceId = UUID.randomUUID().toString().replace("-", "");
        Http.Reply sent = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url("/api/v1/messages")))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-" + traceId.substring(0, 16) + "-01")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"to\":\"agent:" + agent + "\",\"payload\":1}")));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);

        JsonNode[] got = new JsonNode[1];
        await().atMost(60, SECONDS).until(() -> {
            JsonNode batch = Http.get(node.url("/api/v1/agents/" + agent + "/messages?wait=2")).json();
            got[0] = batch.path("messages").path(0);
            return !got[0].isMissingNode();
        });
        // an agent reading its inbox (here or straight from Kafka) gets the trace context with the message
        assertThat(got[0].path("attributes").path("traceparent").asText()).startsWith("00-" + traceId + "-");

        String ingress = prefix + ".ingress";
        String inbox = prefix + ".agent." + agent;
        List<String> spans = List.of("'POST /api/v1/messages' : " + traceId, "'" + ingress + " publish' : " + traceId,
                "'" + ingress + " process' : " + traceId, "'" + inbox + " publish' : " + traceId,
                "'" + inbox + " process' : " + traceId);
        await().atMost(30, SECONDS).untilAsserted(() -> assertThat(node.output()).contains(spans));

        // the same over gRPC: the call's traceparent metadata starts the trace the message carries
        String grpcTrace = UUID.randomUUID().toString().replace("-", "");
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("traceparent", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                "00-" + grpcTrace + "-" + grpcTrace.substring(0, 16) + "-01");
        try (GrpcClient grpc = new GrpcClient(node.grpc())) {
            grpc.blocking().withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                    .send(io.agentmesh.proto.v1.SendRequest.newBuilder().setTo("agent:" + agent)
                            .setPayload(com.google.protobuf.ByteString.copyFromUtf8("2")).build());
        }
        await().atMost(30, SECONDS).untilAsserted(() -> assertThat(node.output()).contains(
                "'mesh.v1.MeshService/Send' : " + grpcTrace, "'" + ingress + " process' : " + grpcTrace,
                "'" + inbox + " publish' : " + grpcTrace));

        // a message nobody can take: its retry and its dead letter stay in the sender's trace
        String lostTrace = UUID.randomUUID().toString().replace("-", "");
        Http.Reply lost = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url("/api/v1/messages")))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + lostTrace + "-" + lostTrace.substring(0, 16) + "-01")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"to\":\"capability:nobody-" + agent
                        + "\",\"payload\":1,\"max_attempts\":2,\"retry_delay_ms\":100}")));
        assertThat(lost.status()).as(lost.body()).isEqualTo(202);
        await().atMost(60, SECONDS).untilAsserted(() -> assertThat(node.output()).contains(
                "'" + ingress + " process' : " + lostTrace, "'mesh.router retry' : " + lostTrace,
                "'mesh.router dead-letter' : " + lostTrace, "'" + prefix + ".dlq publish' : " + lostTrace));
    }

    @Test
    void jsonLogFormatWritesOneJsonObjectPerLine() throws Exception {
        NodeProcess node = node();
        String agent = "jsonlog-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(node.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"J\"}").status()).isEqualTo(201);

        await().atMost(30, SECONDS).until(() -> Files.readString(logs.resolve("mesh.log")).contains(agent));
        List<String> lines = Files.readAllLines(logs.resolve("mesh.log")).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        JsonNode registered = null;
        for (String line : lines) {
            JsonNode entry = JSON.readTree(line);
            assertThat(entry.isObject()).as(line).isTrue();
            assertThat(entry.path("level").asText()).as(line).isNotEmpty();
            assertThat(entry.path("logger").asText()).as(line).isNotEmpty();
            if (entry.path("message").asText().contains("agent " + agent + " registered")) {
                registered = entry;
            }
        }
        assertThat(registered).as("the registration as a JSON entry").isNotNull();
        assertThat(registered.path("level").asText()).isEqualTo("INFO");
        assertThat(registered.path("logger").asText()).isEqualTo("io.agentmesh.discovery");
        assertThat(registered.has("timestamp")).isTrue();
        // the console is JSON too; the area files keep the text layout
        assertThat(node.output()).contains("\"message\":\"agent " + agent + " registered");
        assertThat(Files.readString(logs.resolve("discovery.log"))).contains("agent " + agent + " registered")
                .doesNotContain("\"message\"");
    }
}
