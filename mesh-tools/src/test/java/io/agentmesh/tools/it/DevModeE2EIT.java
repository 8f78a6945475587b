package io.agentmesh.tools.it;

import io.agentmesh.service.db.DatabaseBootstrap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.agentmesh.service.it.Http;
import io.agentmesh.service.it.Ports;
import io.agentmesh.service.it.TestInfra;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar started as its own process the way {@code ./mesh dev} starts it (embedded broker
 * and ZooKeeper, local Postgres and Redis), driven over HTTP, stopped, and started again on the same
 * data directory: an unacknowledged message is still there, and a resend of its id is still a duplicate.
 */
class DevModeE2EIT {

    private static final String JAR = System.getProperty("mesh.jar");
    private static final String CONFIG = System.getProperty("mesh.config", "../config.yml");
    private static final String DB = "mesh_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    private static Path dir;
    private static final int REST = Ports.free();
    private static final int GRPC = Ports.free();
    private static final int ADMIN = Ports.free();
    private static final int KAFKA = Ports.free();
    private static final int CONTROLLER = Ports.free();
    private static final int ZK = Ports.free();

    @BeforeAll
    static void prepare() throws Exception {
        assertThat(JAR).as("system property mesh.jar").isNotNull();
        assertThat(Path.of(JAR)).exists();
        dir = Files.createTempDirectory("mesh-e2e-");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        DatabaseBootstrap.dropDatabase(TestInfra.database(DB));
    }

    private static Process start(int run) throws Exception {
        return start(run, "data");
    }

    private static Process start(int run, String dataDir, String... devOptions) throws Exception {
        return startOn(DB, run, dataDir, devOptions);
    }

    private static Process startOn(String database, int run, String dataDir, String... devOptions) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        cmd.addAll(TestInfra.CHILD_JVM_FLAGS);
        cmd.addAll(ports(KAFKA));
        cmd.addAll(List.of(
                "-Ddw.dev.dataDir=" + dir.resolve(dataDir),
                "-Ddw.database.url=" + TestInfra.PG_BASE + database,
                "-Ddw.redis.uri=" + TestInfra.REDIS_URI,
                "-jar", JAR, "dev", CONFIG));
        cmd.addAll(List.of(devOptions));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mesh-run-" + run + ".log").toFile())
                .start();
    }

    /** The node's and the in-process broker's and ZooKeeper's ports, all free ones ({@code kafka}: the broker's). */
    private static List<String> ports(int kafka) {
        return List.of("-Ddw.server.applicationConnectors[0].port=" + REST, "-Ddw.server.adminConnectors[0].port=" + ADMIN,
                "-Ddw.grpc.port=" + GRPC, "-Ddw.dev.kafkaPort=" + kafka, "-Ddw.dev.controllerPort=" + CONTROLLER,
                "-Ddw.dev.zookeeperPort=" + ZK);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + REST + path;
    }

    private static void awaitHealthy(Process p, int run) {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!p.isAlive()) {
                throw new AssertionError("mesh exited with " + p.exitValue() + ":\n"
                        + Files.readString(dir.resolve("mesh-run-" + run + ".log")));
            }
            try {
                return Http.get(url("/health")).status() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static void stop(Process p) throws Exception {
        p.destroy();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("mesh stops on SIGTERM").isTrue();
    }

    @Test
    void saysWhatToSetWhenAServiceRefusesOrAPortIsTaken() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Ddw.database.url=" + TestInfra.PG_BASE + "mesh",
                    "-Ddw.database.user=nobody_" + UUID.randomUUID().toString().substring(0, 6),
                    "-Ddw.redis.uri=" + TestInfra.REDIS_URI, "-Ddw.dev.dataDir=" + dir.resolve("unused")));
            cmd.addAll(TestInfra.CHILD_JVM_FLAGS);
            cmd.addAll(ports(taken.getLocalPort()));
            cmd.addAll(List.of("-jar", JAR, "dev", CONFIG));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isEqualTo(3);
            assertThat(output).contains("port " + taken.getLocalPort() + " for Kafka is taken",
                    "MESH_DEV_KAFKA_PORT=<port> ./mesh dev");
            assertThat(output).contains("refuses user 'nobody_", "MESH_DATABASE_PASSWORD", "MESH_DATABASE_USER");
            assertThat(output).as("nothing started while a port is taken").doesNotContain("starting a private");
        }
    }

    /**
     * {@code ./mesh dev --tls --auth} where no PostgreSQL or Redis answers (one start for both: a
     * start is most of the time): it starts private ones (stopped with it), serves REST and gRPC over
     * TLS with a throwaway CA, and its broker speaks SASL_SSL to agents.
     */
    @Test
    void startsPrivateStoresAndServesTlsWithAThrowawayCa() throws Exception {
        int pg = Ports.free();
        int redis = Ports.free();
        Path data = dir.resolve("private-tls");
        Files.createDirectories(data);
        // a checkout as the machine's users see it (the temp dir is the test's own, mode 700)
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Ddw.database.url=jdbc:postgresql://127.0.0.1:" + pg + "/mesh",
                "-Ddw.redis.uri=redis://127.0.0.1:" + redis + "/0", "-Ddw.dev.dataDir=" + data));
        cmd.addAll(TestInfra.CHILD_JVM_FLAGS);
        cmd.addAll(ports(KAFKA));
        cmd.addAll(List.of("-jar", JAR, "dev", CONFIG, "--tls", "--auth"));
        Path log = dir.resolve("mesh-run-private-tls.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path ca = data.resolve("tls/ca.pem");
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (!p.isAlive()) {
                    throw new AssertionError("mesh exited with " + p.exitValue() + ":\n" + Files.readString(log));
                }
                // healthy: every component up, the private PostgreSQL and Redis included
                return Files.exists(ca) && run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                        ca.toString(), "https://127.0.0.1:" + REST + "/health").equals("200");
            });
            String output = Files.readString(log);
            assertThat(output).contains("PostgreSQL does not answer on 127.0.0.1:" + pg + ": starting a private one",
                    "Redis does not answer on 127.0.0.1:" + redis + ": starting a private redis-server", "(private");
            assertThat(Files.exists(data.resolve("postgres/data/PG_VERSION"))).isTrue();
            assertThat(output).contains("https://127.0.0.1:" + REST).contains("TLS         ON: CA " + ca);
            String grpc = run("openssl", "s_client", "-connect", "127.0.0.1:" + GRPC, "-showcerts", "-CAfile", ca.toString());
            assertThat(grpc).as(grpc).contains("Verify return code: 0 (ok)", "CN = Agent Mesh dev CA");

            // with --auth the broker speaks SASL_SSL: an agent's login works over TLS with the dev CA
            String token = Files.readString(data.resolve("credentials/admin.token")).strip();
            String registered = run("curl", "-sS", "--cacert", ca.toString(), "-H", "Authorization: Bearer " + token,
                    "-H", "Content-Type: application/json", "-d", "{\"id\":\"e2e-tls\",\"name\":\"T\"}",
                    "https://127.0.0.1:" + REST + "/api/v1/agents");
            com.fasterxml.jackson.databind.JsonNode login = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(registered).path("kafka");
            assertThat(login.path("security_protocol").asText()).as(registered).isEqualTo("SASL_SSL");
            java.util.Map<String, Object> props = kafkaLogin(login, login.path("password").asText());
            props.put("ssl.truststore.type", "PEM");
            props.put("ssl.truststore.location", ca.toString());
            seesOnlyItsOwnTopic(props, login);
            String kafkaTls = run("openssl", "s_client", "-connect", login.path("bootstrap").asText(), "-CAfile", ca.toString());
            assertThat(kafkaTls).as(kafkaTls).contains("Verify return code: 0 (ok)");
        } finally {
            stop(p);
        }
        // the private PostgreSQL and Redis stopped with the mesh
        for (int port : new int[]{pg, redis}) {
            assertThat(canConnect(port)).as("port " + port + " closed after the mesh stopped").isFalse();
        }
    }

    private static boolean canConnect(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Admin client settings for the registration's Kafka login, with this password. */
    private static java.util.Map<String, Object> kafkaLogin(com.fasterxml.jackson.databind.JsonNode login, String password) {
        return new java.util.HashMap<>(java.util.Map.of(
                "bootstrap.servers", login.path("bootstrap").asText(),
                "security.protocol", login.path("security_protocol").asText(),
                "sasl.mechanism", login.path("sasl_mechanism").asText(),
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + login.path("username").asText() + "\" password=\"" + password + "\";",
                "request.timeout.ms", "10000", "default.api.timeout.ms", "15000"));
    }

    /** The login lists its own topic and no other (it may DESCRIBE nothing else). */
    private static void seesOnlyItsOwnTopic(java.util.Map<String, Object> props, com.fasterxml.jackson.databind.JsonNode login) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.listTopics().names()
                    .get(15, TimeUnit.SECONDS)).containsExactly(login.path("topic").asText()));
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "";
        }
        return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void runsLikeMeshDevAndKeepsMessagesAcrossARestart() throws Exception {
        Process first = start(1);
        String id = "e2e-" + UUID.randomUUID();
        String parked = "parked-" + UUID.randomUUID();
        try {
            awaitHealthy(first, 1);
            assertThat(Files.readString(dir.resolve("mesh-run-1.log"))).contains("Agent Mesh is running")
                    .contains("Auth        OFF (open, loopback only)");
            assertThat(Http.post(url("/api/v1/agents"), "{\"id\":\"e2e-a\",\"name\":\"A\",\"heartbeat_ttl_ms\":3600000}").status()).isEqualTo(201);
            assertThat(Http.post(url("/api/v1/agents"), "{\"id\":\"e2e-b\",\"name\":\"B\",\"heartbeat_ttl_ms\":3600000}").status()).isEqualTo(201);
            Http.Reply sent = Http.post(url("/api/v1/messages"),
                    "{\"to\":\"agent:e2e-b\",\"from\":\"e2e-a\",\"id\":\"" + id + "\",\"payload\":{\"task\":\"summarize\"}}");
            assertThat(sent.status()).as(sent.body()).isEqualTo(202);
            Http.Reply got = Http.get(url("/api/v1/agents/e2e-b/messages?wait=10"));
            assertThat(got.ids()).containsExactly(id);
            assertThat(got.json().path("messages").get(0).path("payload").path("task").asText()).isEqualTo("summarize");
            // nobody has this capability yet: the message waits in the router's retry store
            assertThat(Http.post(url("/api/v1/messages"), "{\"to\":\"capability:after-restart\",\"id\":\"" + parked
                    + "\",\"payload\":{},\"max_attempts\":30}").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(url("/api/v1/messages/" + parked)).body()
                    .contains("retry_scheduled"));
        } finally {
            stop(first);
        }

        Process second = start(2);
        try {
            awaitHealthy(second, 2);
            // not acknowledged before the restart: still there
            Http.Reply again = Http.get(url("/api/v1/agents/e2e-b/messages?wait=10"));
            assertThat(again.ids()).containsExactly(id);
            // the dedupe window survived the restart too (a resend is the same sender's same id)
            assertThat(Http.post(url("/api/v1/messages"),
                    "{\"to\":\"e2e-b\",\"from\":\"e2e-a\",\"id\":\"" + id + "\",\"payload\":{}}").status()).isEqualTo(202);
            String marker = "marker-" + UUID.randomUUID();
            assertThat(Http.post(url("/api/v1/messages"),
                    "{\"to\":\"e2e-b\",\"id\":\"" + marker + "\",\"payload\":{}}").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(url("/api/v1/agents/e2e-b/messages?wait=2"))
                    .ids().contains(marker));
            assertThat(Http.get(url("/api/v1/agents/e2e-b/messages?wait=1")).ids()).containsExactly(id, marker);
            // the retry survived the restart: an agent with the capability now gets the parked message
            assertThat(Http.post(url("/api/v1/agents"), "{\"id\":\"e2e-late\",\"name\":\"Late\",\"heartbeat_ttl_ms\":3600000,\"capabilities\":[\"after-restart\"]}")
                    .status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.get(url("/api/v1/agents/e2e-late/messages?wait=2"))
                    .ids().contains(parked));
        } finally {
            stop(second);
        }

        // a brand-new Kafka under the same database: the registry is written to Kafka again at start;
        // and --auth: the secured mode, with the first admin token in <dataDir>/credentials/admin.token
        Process third = start(3, "fresh-kafka", "--auth");
        try {
            awaitHealthy(third, 3);
            Path tokenFile = dir.resolve("fresh-kafka/credentials/admin.token");
            assertThat(Files.readString(dir.resolve("mesh-run-3.log"))).contains("Auth        ON")
                    .contains(tokenFile.toString());
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                    .isEqualTo("rw-------");
            String token = Files.readString(tokenFile).strip();
            assertThat(Http.get(url("/api/v1/routing/table")).status()).isEqualTo(401);
            await().atMost(Duration.ofSeconds(30)).until(() -> authed(HttpRequest.newBuilder(
                    java.net.URI.create(url("/api/v1/routing/table"))).GET(), token).body().contains("e2e-b"));
            String after = "fresh-" + UUID.randomUUID();
            assertThat(authed(HttpRequest.newBuilder(java.net.URI.create(url("/api/v1/messages")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"e2e-b\",\"id\":\"" + after + "\",\"payload\":{}}")),
                    token).status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> authed(HttpRequest.newBuilder(
                    java.net.URI.create(url("/api/v1/agents/e2e-b/messages?wait=2"))).GET(), token).ids().contains(after));

            // the broker takes SASL only: a new agent gets a Kafka login for its own topic
            assertThat(Files.readString(dir.resolve("mesh-run-3.log"))).contains("SASL + ACLs");
            Http.Reply k = authed(HttpRequest.newBuilder(java.net.URI.create(url("/api/v1/agents")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"e2e-k\",\"name\":\"K\"}")), token);
            assertThat(k.status()).as(k.body()).isEqualTo(201);
            com.fasterxml.jackson.databind.JsonNode login = k.json().path("kafka");
            assertThat(login.path("username").asText()).isEqualTo("agent-e2e-k");
            seesOnlyItsOwnTopic(kafkaLogin(login, login.path("password").asText()), login);
            java.util.Map<String, Object> props = kafkaLogin(login, "wrong");
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> admin.listTopics().names()
                        .get(15, TimeUnit.SECONDS))).hasCauseInstanceOf(org.apache.kafka.common.errors.AuthenticationException.class);
            }
        } finally {
            stop(third);
        }
    }

    private static Http.Reply authed(HttpRequest.Builder request, String token) {
        return Http.send(request.header("Authorization", "Bearer " + token));
    }
}
