package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose/ and k8s/ without a container engine or a cluster: docker-compose validates the compose
 * file, the Kubernetes and Prometheus Operator schemas validate the manifests (npm
 * kubernetes-models), and the objects the runbook's commands name exist as it expects.
 */
class DeploymentFilesIT {

    private static final Path ROOT = Path.of("..");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    private static List<JsonNode> docs(String file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(ROOT.resolve(file).toFile())) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    @Test
    void composeFileIsValid() throws Exception {
        run("docker-compose", "-f", "compose/compose.yaml", "config", "-q");
        JsonNode compose = YAML.readTree(ROOT.resolve("compose/compose.yaml").toFile());
        assertThat(compose.path("services").fieldNames()).toIterable().contains("kafka", "zookeeper", "postgres", "redis",
                "agent-mesh", "prometheus", "grafana", "otel-collector", "jaeger");
        assertThat(Files.exists(ROOT.resolve("Dockerfile"))).isTrue();
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("compose/grafana/dashboards/agent-mesh.json").toFile());
        assertThat(dashboard.path("title").asText()).isEqualTo("Agent Mesh");
        assertThat(dashboard.path("panels").findValuesAsText("title")).contains("Message throughput (per second)",
                "Accept → inbox latency", "Queue depth", "Dead letters (per minute)", "Agents by health",
                "Cluster nodes (live / expected)");
    }

    @Test
    void kubernetesManifestsAreValidAndMatchTheRunbook() throws Exception {
        assertThat(Files.isDirectory(ROOT.resolve("k8s/validate/node_modules")))
                .as("run `npm ci --prefix k8s/validate` first (.ci/run does)").isTrue();
        String out = run("node", "k8s/validate/validate.mjs");
        assertThat(out).contains(", 0 errors");

        List<JsonNode> api = docs("k8s/agent-mesh.yaml");
        List<JsonNode> grpc = docs("k8s/agent-mesh-grpc.yaml");
        for (JsonNode d : List.of(api.get(0), grpc.get(0))) {
            assertThat(d.path("kind").asText()).isEqualTo("Deployment");
            assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("mesh");
            assertThat(d.path("metadata").path("labels").path("app").asText()).isEqualTo("agent-mesh");
            JsonNode c = d.path("spec").path("template").path("spec").path("containers").get(0);
            assertThat(c.path("resources").path("limits").path("memory").asText()).isEqualTo("8Gi");
            assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
            assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        }
        assertThat(api.get(0).path("metadata").path("name").asText()).isEqualTo("agent-mesh");
        assertThat(grpc.get(0).path("metadata").path("name").asText()).isEqualTo("agent-mesh-grpc");
        JsonNode hpa = docs("k8s/hpa.yaml").get(0);
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(3);
        assertThat(hpa.path("spec").path("maxReplicas").asInt()).isEqualTo(10);
        assertThat(hpa.path("spec").path("metrics").get(0).path("resource").path("target").path("averageUtilization").asInt())
                .isEqualTo(70);
        // the ConfigMap carries the repository's config.yml, unchanged
        JsonNode cm = docs("k8s/configmap.yaml").get(0);
        assertThat(cm.path("data").path("config.yml").asText().strip())
                .isEqualTo(Files.readString(ROOT.resolve("config.yml")).strip());
    }
}
