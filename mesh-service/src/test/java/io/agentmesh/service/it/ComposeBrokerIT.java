package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The compose broker's configuration, run for real without a container engine: compose/init-env
 * makes its secrets, the kafka service's environment is turned into properties the way the
 * apache/kafka image does (KAFKA_ dropped, _ to '.', __ to '_', ___ to '-', values with '=' left
 * out as the image leaves them out), the file it mounts at /mnt/shared/config is added, and a KRaft
 * broker starts on loopback with them. The mesh's login (SASL_SSL, PLAIN, the stack's CA) works; a
 * client without credentials gets nothing.
 */
class ComposeBrokerIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theComposeBrokerStartsWithItsSecretsAndTakesTheMeshsLoginOverTls(@TempDir Path copy) throws Exception {
        Path compose = copy.resolve("compose");
        try (var files = Files.walk(ROOT.resolve("compose"))) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = compose.resolve(ROOT.resolve("compose").relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else if (!from.toString().contains("/secrets/") && !from.getFileName().toString().equals(".env")) {
                    Files.copy(from, to);
                }
            }
        }
        Process init = new ProcessBuilder("./init-env").directory(compose.toFile()).redirectErrorStream(true).start();
        String initOut = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(init.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(init.exitValue()).as(initOut).isZero();

        int port = Ports.free();
        int controller = Ports.free();
        Properties p = new Properties();
        JsonNode env = new ObjectMapper(new YAMLFactory()).readTree(compose.resolve("compose.yaml").toFile())
                .path("services").path("kafka-1").path("environment");
        for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().contains("=")) {
                p.setProperty(imageKey(e.getKey()), e.getValue().asText());
            }
        }
        try (Reader r = Files.newBufferedReader(compose.resolve("secrets/kafka/server.properties"))) {
            Properties mounted = new Properties();
            mounted.load(r);
            mounted.forEach((k, v) -> p.setProperty(k.toString(),
                    v.toString().replace("/etc/kafka/tls/", compose.resolve("secrets/tls") + "/")));
        }
        // where the container differs from this machine: addresses and the data directory
        p.setProperty("listeners", "CLIENT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
        p.setProperty("advertised.listeners", "CLIENT://127.0.0.1:" + port);
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controller);
        Path logs = copy.resolve("kafka-data");
        p.setProperty("log.dirs", logs.toString());
        assertThat(p.getProperty("authorizer.class.name")).isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        assertThat(p.getProperty("listener.name.client.scram-sha-512.sasl.jaas.config")).isNotNull();

        new Formatter().setPrintStream(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES).setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString()).setDirectories(List.of(logs.toString()))
                .setMetadataLogDirectory(logs.toString()).setReleaseVersion(MetadataVersion.latestProduction())
                .setControllerListenerName("CONTROLLER").run();
        KafkaRaftServer broker = new KafkaRaftServer(KafkaConfig.fromProps(p), Time.SYSTEM);
        broker.startup();
        try {
            String meshPassword = Files.readAllLines(compose.resolve(".env")).stream()
                    .filter(l -> l.startsWith("MESH_KAFKA_PASSWORD=")).findFirst().orElseThrow().split("=", 2)[1];
            Map<String, Object> mesh = new HashMap<>(Map.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                    CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL",
                    "sasl.mechanism", "PLAIN",
                    "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"mesh\" "
                            + "password=\"" + meshPassword + "\";",
                    "ssl.truststore.type", "PEM",
                    "ssl.truststore.location", compose.resolve("secrets/tls/ca.pem").toString(),
                    CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                    CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000"));
            try (Admin admin = Admin.create(mesh)) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("probe", 1, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("probe");
            }
            Map<String, Object> anonymous = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                    CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                    CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
            try (Admin admin = Admin.create(anonymous)) {
                assertThat(catchThrowable(() -> admin.listTopics().names().get(15, TimeUnit.SECONDS))).isNotNull();
            }
        } finally {
            broker.shutdown();
            broker.awaitShutdown();
        }
        assertThat(Set.of(p.getProperty("listener.security.protocol.map").split(","))).contains("CLIENT:SASL_SSL");
    }

    /** The apache/kafka image's name rule: KAFKA_ dropped, _ to '.', __ to '_', ___ to '-', lower case. */
    private static String imageKey(String variable) {
        String key = variable.substring("KAFKA_".length());
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < key.length()) {
            if (key.startsWith("___", i)) {
                out.append('-');
                i += 3;
            } else if (key.startsWith("__", i)) {
                out.append('_');
                i += 2;
            } else if (key.charAt(i) == '_') {
                out.append('.');
                i++;
            } else {
                out.append(Character.toLowerCase(key.charAt(i)));
                i++;
            }
        }
        return out.toString();
    }
}
