package io.agentmesh.service.it;

import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.embedded.EmbeddedKafka;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** With Kafka gone, sends are refused with 503 + Retry-After (gRPC UNAVAILABLE), never acknowledged. */
@ExtendWith(DropwizardExtensionsSupport.class)
class KafkaDownIT {

    static final int BROKER_PORT = Ports.free();
    static final int CONTROLLER_PORT = Ports.free();
    static final Path LOGS = tempDir();
    static EmbeddedKafka broker = new EmbeddedKafka(LOGS, BROKER_PORT, CONTROLLER_PORT).start();
    static final MeshApp MESH = MeshApp.onBroker(broker.bootstrapServers(),
            MeshApp.set("kafka.sendTimeout", "2s"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("mesh-kafka-down-").resolve("kafka");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void sendsFailFastWith503WhileKafkaIsDownAndWorkAgainAfter() throws Exception {
        Http.Reply reg = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"down-b\",\"name\":\"B\"}");
        assertThat(reg.status()).as(reg.body()).isIn(200, 201);
        assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"down-b\",\"payload\":1}").status()).isEqualTo(202);

        broker.close();

        long start = System.nanoTime();
        Http.Reply refused = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"down-b\",\"payload\":2}");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("KAFKA_UNAVAILABLE");
        assertThat(refused.raw().headers().firstValue("Retry-After")).hasValue("5");
        // whether Kafka may still have it, and under which id to resend it (dedupe keeps it once)
        assertThat(refused.json().path("details").path("outcome").asText()).isIn("unknown", "not_written");
        assertThat(refused.json().path("details").path("id").asText()).isNotBlank();
        // the configured send bound is 2 s; allow generous slack on a loaded machine
        assertThat(took).isLessThan(Duration.ofSeconds(15));

        try (GrpcClient grpc = new GrpcClient(MESH.grpcPort())) {
            assertThatThrownBy(() -> grpc.blocking().send(SendRequest.newBuilder().setTo("down-b")
                    .setPayload(ByteString.copyFromUtf8("3")).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> {
                                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                                assertThat(e.getTrailers().get(io.agentmesh.service.grpc.GrpcErrors.OUTCOME))
                                        .isIn("unknown", "not_written");
                                assertThat(e.getTrailers().get(io.agentmesh.service.grpc.GrpcErrors.MESSAGE_ID)).isNotBlank();
                            });
        }

        Http.Reply health = Http.get(MESH.url("/health"));
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().path("status").asText()).isEqualTo("down");
        assertThat(health.json().path("components").path("kafka").path("status").asText()).isEqualTo("down");
        // figures that cannot be read while the broker is down are absent, not a made-up number
        await().atMost(30, SECONDS).untilAsserted(() -> assertThat(Http.get(MESH.url("/metrics")).body())
                .doesNotContainPattern("(?m)^mesh_queue_depth ").doesNotContainPattern("(?m)^mesh_dlq_messages ")
                .doesNotContainPattern("(?m)^mesh_[a-z_]+(\\{[^}]*\\})? -1(\\.0)?$"));

        broker = new EmbeddedKafka(LOGS, BROKER_PORT, CONTROLLER_PORT).start();
        await().atMost(90, SECONDS).pollInterval(Duration.ofSeconds(1)).until(() ->
                Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"down-b\",\"payload\":4}").status() == 202);
        await().atMost(60, SECONDS).until(() -> Http.get(MESH.url("/health")).status() == 200);

        // a node stopped while Kafka is out of reach still stops within its deployment's termination
        // grace (60 s in k8s/): its Streams applications close together, each waiting at most 30 s
        // for a last transaction that cannot commit (one after another they took about 90 s)
        broker.close();
        long stopping = System.nanoTime();
        APP.after();
        Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
        System.out.printf("node stopped %d ms after it was asked to, Kafka down%n", stopped.toMillis());
        assertThat(stopped).isLessThan(Duration.ofSeconds(60));
    }
}
