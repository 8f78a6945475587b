package io.agentmesh.service.it;

import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** logs/mesh.log, discovery.log, routing.log and grpc.log get their areas' lines after traffic; payloads never. */
@ExtendWith(DropwizardExtensionsSupport.class)
class LogFilesIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(MeshApp.set("routing.maxAttempts", "2"),
            MeshApp.set("routing.retryInitialDelay", "100ms"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();
    static final Path LOGS = Path.of(System.getProperty("mesh.logs", "target/it-logs"));

    private static String read(String file) throws Exception {
        Path p = LOGS.resolve(file);
        return Files.exists(p) ? Files.readString(p) : "";
    }

    @Test
    void eachAreaWritesItsFile() throws Exception {
        String agent = "logged-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = "s3cr3t-" + UUID.randomUUID();
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"L\"}").status()).isEqualTo(201);
        String lost = "lost-" + UUID.randomUUID();
        assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"capability:nobody-" + agent + "\",\"id\":\"" + lost
                + "\",\"payload\":{\"secret\":\"" + secret + "\"}}").status()).isEqualTo(202);
        try (GrpcClient grpc = new GrpcClient(MESH.grpcPort())) {
            GrpcClient.Connection c = grpc.connect(agent, 1);
            await().atMost(30, SECONDS).until(() -> read("grpc.log").contains("inbox of " + agent + " now served"));
            c.cancel();
        }
        await().atMost(30, SECONDS).until(() -> read("routing.log").contains("message " + lost + " dead-lettered"));
        assertThat(read("routing.log")).contains("message " + lost + " cannot be routed yet");
        assertThat(read("discovery.log")).contains("agent " + agent + " registered");
        String mesh = read("mesh.log");
        assertThat(mesh).contains("agent " + agent + " registered", "message " + lost + " dead-lettered",
                "inbox of " + agent + " now served");
        for (String f : new String[]{"mesh.log", "discovery.log", "routing.log", "grpc.log"}) {
            assertThat(read(f)).as(f).doesNotContain(secret);
        }
        assertThat(read("discovery.log")).as("areas stay apart").doesNotContain("dead-lettered");

        // the HTTP access log: one JSON object per request
        await().atMost(10, SECONDS).until(() -> read("access.log").contains("/api/v1/agents"));
        com.fasterxml.jackson.databind.JsonNode line = read("access.log").lines().filter(l -> l.contains("/api/v1/agents"))
                .map(l -> {
                    try {
                        return Http.JSON.readTree(l);
                    } catch (java.io.IOException e) {
                        throw new AssertionError("not JSON: " + l, e);
                    }
                }).filter(j -> j.path("method").asText().equals("POST")).findFirst().orElseThrow();
        assertThat(line.toString()).contains("201");
        assertThat(read("access.log")).as("payloads stay out of the access log").doesNotContain(secret);
    }
}
