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

    private static Process start(Path dir, String... cmd) throws Exception {
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    private static String output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** No default passwords: the stack resolves only once compose/init-env has generated its secrets. */
    @Test
    void composeRunsSecuredWithGeneratedSecretsAndNoDefaults(@org.junit.jupiter.api.io.TempDir Path copy) throws Exception {
        Path compose = copy.resolve("compose");
        try (var files = Files.walk(ROOT.resolve("compose"))) {
            for (Path from : files.toList()) {
                Path rel = ROOT.resolve("compose").relativize(from);
                if (rel.toString().startsWith(".env") || rel.toString().startsWith("secrets")) {
                    continue; // a developer's own generated secrets stay out of the copy
                }
                Path to = compose.resolve(rel.toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        Process unset = start(compose, "docker-compose", "-f", "compose.yaml", "config", "-q");
        String refused = output(unset);
        assertThat(unset.exitValue()).as(refused).isNotZero();
        assertThat(refused).contains("run compose/init-env first");

        Process init = start(compose, "./init-env");
        assertThat(output(init)).contains("ready");
        assertThat(init.exitValue()).isZero();
        String env = Files.readString(compose.resolve(".env"));
        assertThat(env).containsPattern("MESH_BOOTSTRAP_TOKEN=mko_[A-Za-z0-9_-]{40,}")
                .containsPattern("MESH_DATABASE_PASSWORD=[A-Za-z0-9_-]{40,}");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(compose.resolve(".env"))))
                .isEqualTo("rw-------");
        Process config = start(compose, "docker-compose", "-f", "compose.yaml", "config");
        String resolved = output(config);
        assertThat(config.exitValue()).as(resolved).isZero();
        JsonNode mesh = YAML.readTree(resolved).path("services").path("agent-mesh");
        assertThat(mesh.path("environment").path("MESH_AUTH_ENABLED").asText()).isEqualTo("true");
        assertThat(mesh.path("environment").path("MESH_BOOTSTRAP_TOKEN").asText()).startsWith("mko_");
        assertThat(mesh.path("ports").toString()).contains("3005").contains("3015").doesNotContain("3025");
    }

    /** The kafka-clients version on the classpath (the jar's kafka/kafka-version.properties). */
    private static String kafkaVersion() throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        try (var in = org.apache.kafka.clients.admin.Admin.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            p.load(in);
        }
        return p.getProperty("version");
    }

    @Test
    void composeFileIsValid() throws Exception {
        assertThat(Files.readString(ROOT.resolve("compose/compose.yaml")))
                .as("no password or token has a default").doesNotContainPattern("(PASSWORD|TOKEN)[A-Z_]*:-");
        JsonNode compose = YAML.readTree(ROOT.resolve("compose/compose.yaml").toFile());
        assertThat(compose.path("services").fieldNames()).toIterable().contains("kafka-1", "kafka-2", "kafka-3", "zookeeper", "postgres", "redis",
                "agent-mesh", "prometheus", "grafana", "otel-collector", "jaeger");
        // three brokers in one quorum, every topic on all three, acknowledged writes on two
        for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
            JsonNode env = compose.path("services").path(broker).path("environment");
            assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
            assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText()).isEqualTo("CLIENT://" + broker + ":9092");
            assertThat(env.path("KAFKA_DEFAULT_REPLICATION_FACTOR").asText()).isEqualTo("3");
            assertThat(env.path("KAFKA_MIN_INSYNC_REPLICAS").asText()).isEqualTo("2");
            assertThat(env.path("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR").asText()).isEqualTo("3");
            // the brokers run the version of the clients the mesh is built with
            assertThat(compose.path("services").path(broker).path("image").asText()).isEqualTo("apache/kafka:" + kafkaVersion());
        }
        JsonNode mesh = compose.path("services").path("agent-mesh").path("environment");
        assertThat(mesh.path("MESH_KAFKA_REPLICATION").asText()).isEqualTo("3");
        assertThat(mesh.path("MESH_KAFKA_BOOTSTRAP").asText()).isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
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
            // liveness must not follow Kafka (a Kafka outage would restart every pod): the process only
            assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
            assertThat(c.path("livenessProbe").has("initialDelaySeconds")).as("the startup probe gates it").isFalse();
            assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
            assertThat(c.path("startupProbe").path("failureThreshold").asInt() * c.path("startupProbe")
                    .path("periodSeconds").asInt()).as("seconds allowed for the first rebalance").isGreaterThanOrEqualTo(120);
        }
        for (List<JsonNode> file : List.of(api, grpc)) {
            for (JsonNode d : file) {
                if (d.path("kind").asText().equals("Service")) {
                    assertThat(d.path("spec").path("ports").toString()).as("the admin port stays in the pod")
                            .doesNotContain("3025").doesNotContain("admin");
                }
            }
        }
        assertThat(api.get(0).path("metadata").path("name").asText()).isEqualTo("agent-mesh");
        assertThat(grpc.get(0).path("metadata").path("name").asText()).isEqualTo("agent-mesh-grpc");
        JsonNode hpa = docs("k8s/hpa.yaml").get(0);
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(3);
        assertThat(hpa.path("spec").path("maxReplicas").asInt()).isEqualTo(10);
        assertThat(hpa.path("spec").path("metrics").get(0).path("resource").path("target").path("averageUtilization").asInt())
                .isEqualTo(70);
        // secured: tokens from the secret, the drain hook on the loopback admin port, Prometheus with a viewer token
        for (JsonNode d : List.of(api.get(0), grpc.get(0))) {
            JsonNode c = d.path("spec").path("template").path("spec").path("containers").get(0);
            List<String> fromSecret = new ArrayList<>();
            c.path("env").forEach(e -> {
                if (e.path("valueFrom").has("secretKeyRef")) {
                    fromSecret.add(e.path("name").asText());
                }
            });
            assertThat(fromSecret).contains("MESH_DATABASE_PASSWORD", "MESH_BOOTSTRAP_TOKEN", "MESH_METRICS_TOKEN");
            assertThat(c.path("lifecycle").toString()).contains("127.0.0.1:3025/tasks/drain");
            assertThat(c.path("ports").toString()).doesNotContain("3025");
        }
        assertThat(docs("k8s/servicemonitor.yaml").get(0).path("spec").path("endpoints").get(0).path("authorization")
                .path("credentials").path("key").asText()).isEqualTo("metrics-token");
        // the ConfigMap carries the repository's config.yml, unchanged
        JsonNode cm = docs("k8s/configmap.yaml").get(0);
        assertThat(cm.path("data").path("config.yml").asText().strip())
                .isEqualTo(Files.readString(ROOT.resolve("config.yml")).strip());
    }
}
