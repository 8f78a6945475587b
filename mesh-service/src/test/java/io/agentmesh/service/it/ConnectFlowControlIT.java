package io.agentmesh.service.it;

import io.agentmesh.proto.v1.ConnectRequest;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.proto.v1.OpenStream;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gRPC Connect honours the transport's flow control as well as the agent's credit: a client that
 * stops reading stops getting deliveries (they wait in the inbox, not in the node's memory), and
 * gets the rest once it reads again.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConnectFlowControlIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static final int MESSAGES = 150;

    private static long deliveredTo(String agent) {
        return Http.get(MESH.url("/api/v1/grpc/connections")).json().path("connections").findValues("streams").stream()
                .flatMap(s -> java.util.stream.StreamSupport.stream(s.spliterator(), false))
                .filter(s -> s.path("agent_id").asText().equals(agent)).mapToLong(s -> s.path("messages").asLong()).sum();
    }

    @Test
    void aClientThatStopsReadingStopsGettingDeliveries() throws Exception {
        String agent = "slow-reader-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"S\"}").status()).isEqualTo(201);
        String filler = "x".repeat(3500);
        for (int i = 0; i < MESSAGES; i++) {
            assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"key\":\"k\",\"payload\":\""
                    + filler + "\"}").status()).isEqualTo(202);
        }
        // all of them in the inbox before the stream opens
        try (Topics topics = new Topics(TestInfra.get().bootstrapServers())) {
            assertThat(topics.readUntil(MESH.topic("agent." + agent), rs -> rs.size() >= MESSAGES,
                    java.time.Duration.ofSeconds(60))).hasSize(MESSAGES);
        }

        // a small window and no reads: the client takes about 32 KiB and then nothing more
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", MESH.grpcPort()).usePlaintext()
                .flowControlWindow(32 * 1024).build();
        List<Delivery> received = new CopyOnWriteArrayList<>();
        try {
            ClientCall<ConnectRequest, Delivery> call = channel.newCall(MeshServiceGrpc.getConnectMethod(), CallOptions.DEFAULT);
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(Delivery message) {
                    received.add(message);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                }
            }, new Metadata());
            call.sendMessage(ConnectRequest.newBuilder().setOpen(OpenStream.newBuilder().setAgentId(agent)
                    .setCredit(MESSAGES)).build());
            await().atMost(30, SECONDS).until(() -> deliveredTo(agent) > 0);
            Thread.sleep(3000);
            long whileNotReading = deliveredTo(agent);
            assertThat(whileNotReading).as("deliveries while the client reads nothing, with credit for all "
                    + MESSAGES).isLessThan(MESSAGES / 2);
            assertThat(received).isEmpty();

            call.request(MESSAGES);
            await().atMost(60, SECONDS).until(() -> received.size() == MESSAGES);
            assertThat(deliveredTo(agent)).isEqualTo(MESSAGES);
            call.cancel("done", null);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
