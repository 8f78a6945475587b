package io.agentmesh.service.it;

import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** gRPC calls run on a bounded pool of the mesh's own threads, however many arrive at once. */
@ExtendWith(DropwizardExtensionsSupport.class)
class GrpcThreadsIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(MeshApp.set("grpc.maxThreads", "3"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static long callThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("grpc-call-" + MESH.grpcPort() + "-")).count();
    }

    @Test
    void manyCallsAtOnceShareTheBoundedPool() throws Exception {
        String agent = "threads-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"T\"}").status()).isEqualTo(201);
        try (GrpcClient grpc = new GrpcClient(MESH.grpcPort())) {
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> grpc.blocking().send(SendRequest.newBuilder().setTo(agent)
                        .setPayload(ByteString.copyFromUtf8("{}")).build()).getId()));
            }
            for (CompletableFuture<String> c : calls) {
                assertThat(c.get(60, TimeUnit.SECONDS)).isNotBlank();
            }
        }
        assertThat(callThreads()).isBetween(1L, 3L);
    }
}
