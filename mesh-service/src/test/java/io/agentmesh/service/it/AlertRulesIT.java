package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runbook's alert rules: valid for promtool (compose file and the k8s PrometheusRule alike, with
 * the same groups), all six alerts with a runbook link, and every mesh metric they use exported by
 * a running mesh with the type the rule needs.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AlertRulesIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static final Path COMPOSE_RULES = Path.of("../compose/prometheus/agent-mesh-rules.yml");
    private static final Path K8S_RULE = Path.of("../k8s/prometheus-rule.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static String promtool(Path rules) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "rules", rules.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void rulesAreValidAndTheSameInComposeAndKubernetes() throws Exception {
        assertThat(promtool(COMPOSE_RULES)).contains("SUCCESS: 9 rules found");
        JsonNode compose = YAML.readTree(COMPOSE_RULES.toFile());
        JsonNode k8s = YAML.readTree(K8S_RULE.toFile());
        assertThat(k8s.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(k8s.path("metadata").path("namespace").asText()).isEqualTo("mesh");
        assertThat(k8s.path("spec")).isEqualTo(compose);
        Path extracted = Files.createTempFile("k8s-rules", ".yml");
        YAML.writeValue(extracted.toFile(), k8s.path("spec"));
        assertThat(promtool(extracted)).contains("SUCCESS: 9 rules found");

        List<String> names = compose.path("groups").get(0).path("rules").findValuesAsText("alert");
        assertThat(names).containsExactly("AgentMeshDown", "DiscoveryServiceDown", "HighMessageLatency", "AgentFlapping",
                "MessageQueueOverflow", "NetworkPartition", "MemoryPressure", "gRPCErrors", "DLQBacklog");
        // the runbook's thresholds and durations
        assertThat(rule(compose, "MemoryPressure").path("expr").asText()).endsWith("> 0.75");
        assertThat(rule(compose, "MemoryPressure").path("for").asText()).isEqualTo("10m");
        assertThat(rule(compose, "gRPCErrors").path("expr").asText()).endsWith("> 0.05");
        assertThat(rule(compose, "DLQBacklog").path("expr").asText()).endsWith("> 1000");
        for (JsonNode rule : compose.path("groups").get(0).path("rules")) {
            assertThat(rule.path("annotations").path("runbook_url").asText()).startsWith("https://");
            assertThat(rule.path("labels").path("severity").asText()).isIn("critical", "warning");
        }
    }

    private static JsonNode rule(JsonNode rules, String alert) {
        for (JsonNode r : rules.path("groups").get(0).path("rules")) {
            if (r.path("alert").asText().equals(alert)) {
                return r;
            }
        }
        throw new AssertionError("no alert " + alert);
    }

    @Test
    void everyMeshMetricTheRulesUseIsExported() throws Exception {
        String rules = Files.readString(COMPOSE_RULES);
        Set<String> used = new TreeSet<>();
        // one gRPC call, so the per-code counter has a series
        try (GrpcClient grpc = new GrpcClient(MESH.grpcPort())) {
            io.grpc.health.v1.HealthGrpc.newBlockingStub(grpc.channel())
                    .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
        }
        Matcher m = Pattern.compile("\\b((?:mesh|jvm)_[a-z_]+)").matcher(rules);
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(used).contains("mesh_discovery_healthy", "mesh_message_latency_seconds_bucket",
                "mesh_agent_status_changes_total", "mesh_queue_depth", "mesh_cluster_nodes", "mesh_expected_nodes",
                "jvm_memory_used_bytes", "jvm_memory_max_bytes", "mesh_grpc_server_handled_total", "mesh_dlq_messages");
        String metrics = Http.get(MESH.url("/metrics")).body();
        for (String name : used) {
            assertThat(metrics).as(name).containsPattern("(?m)^" + Pattern.quote(name) + "(\\{| )");
        }
        assertThat(metrics).contains("# TYPE mesh_message_latency_seconds histogram");
        assertThat(metrics).contains("# TYPE mesh_agent_status_changes_total counter");
        assertThat(metrics).contains("# TYPE mesh_queue_depth gauge", "# TYPE mesh_dlq_messages gauge",
                "# TYPE mesh_grpc_server_handled_total counter");
        assertThat(metrics).contains("mesh_grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Check\",grpc_service=\"grpc.health.v1.Health\"}");
        assertThat(metrics).containsPattern("(?m)^jvm_memory_used_bytes\\{area=\"heap\"\\} [0-9.eE+]+$");
        // the runbook's scaling table
        assertThat(metrics).contains("mesh_agents_active ", "mesh_agents_connected ", "mesh_grpc_streams ",
                "mesh_connections_active ", "mesh_messages_accepted_total ");
        Http.get(MESH.url("/api/v1/discover"));
        assertThat(Http.get(MESH.url("/metrics")).body()).contains("mesh_discovery_latency_seconds_bucket{source=\"redis\",le=\"0.001\"}");
    }

    @Test
    void theRunbooksGarbageCollectionCallAnswersHeapBeforeAndAfter() {
        JsonNode gc = Http.post(MESH.url("/api/v1/gc/run"), "").json();
        assertThat(gc.path("heap_used_before_bytes").asLong()).isPositive();
        assertThat(gc.path("heap_used_after_bytes").asLong()).isPositive();
        assertThat(gc.path("heap_max_bytes").asLong()).isGreaterThanOrEqualTo(gc.path("heap_committed_bytes").asLong());
    }
}
