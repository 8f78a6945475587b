package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.RegisterRequest;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Roles: a gRPC-only node (the runbook's agent-mesh-grpc) beside a node with api, router and
 * monitor. The gRPC node serves agents over gRPC, has no agent REST API, never leads, and its
 * messages are routed by the other node's router.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RolesIT {

    static final MeshApp FULL = MeshApp.onSharedBroker(MeshApp.set("roles", "api,router,monitor"));
    static final MeshApp GRPC = FULL.secondNode(MeshApp.set("roles", "grpc"));
    static final DropwizardAppExtension<MeshConfiguration> APP1 = FULL.extension();
    static final DropwizardAppExtension<MeshConfiguration> APP2 = GRPC.extension();

    @Test
    void aGrpcOnlyNodeServesAgentsAndLeavesTheRestToOthers() throws Exception {
        // no agent REST API on the gRPC node; health, metrics and connections are there
        assertThat(Http.get(GRPC.url("/api/v1/agents")).status()).isEqualTo(404);
        JsonNode health = Http.get(GRPC.url("/health")).json();
        assertThat(health.path("status").asText()).isEqualTo("up");
        assertThat(health.path("components").has("streams")).isFalse();
        assertThat(Http.get(GRPC.url("/metrics")).status()).isEqualTo(200);
        assertThat(Http.get(GRPC.url("/api/v1/connections/active")).status()).isEqualTo(200);

        // only the monitor node leads, even after an election
        await().atMost(30, SECONDS).until(() -> Http.get(FULL.url("/api/v1/cluster/status")).json().path("nodes").asInt() == 2);
        JsonNode status = Http.get(FULL.url("/api/v1/cluster/status")).json();
        assertThat(status.path("leader").asText()).isEqualTo(FULL.prefix() + "-node");
        Http.post(FULL.url("/api/v1/cluster/leader/elect"), "");
        await().atMost(30, SECONDS).until(() -> Http.get(FULL.url("/api/v1/cluster/status")).json().path("is_leader").asBoolean());

        // an agent registers and is reached over the gRPC node; the full node's router routes
        String agent = "rolled-" + UUID.randomUUID().toString().substring(0, 8);
        try (GrpcClient grpc = new GrpcClient(GRPC.grpcPort())) {
            grpc.blocking().register(RegisterRequest.newBuilder().setId(agent).setName("R").build());
            GrpcClient.Connection stream = grpc.connect(agent, 5);
            String id = "via-grpc-node-" + UUID.randomUUID();
            grpc.blocking().send(SendRequest.newBuilder().setTo("agent:" + agent).setId(id)
                    .setContentType("application/json").setPayload(ByteString.copyFrom("{}", StandardCharsets.UTF_8)).build());
            await().atMost(60, SECONDS).until(() -> stream.ids().contains(id));
        }
        assertThat(Http.get(FULL.url("/api/v1/agents/" + agent)).json().path("status").asText()).isEqualTo("active");
    }
}
