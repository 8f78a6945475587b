package io.agentmesh.service.it;

import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented payload limit (1 MiB by default) is what Kafka takes: a payload of exactly the
 * limit is accepted and delivered (the topics and producers are sized for it, headers and
 * envelope included); one byte more is refused.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PayloadLimitIT {

    static final int LIMIT = 1024 * 1024;
    static final MeshApp MESH = MeshApp.onSharedBroker(MeshApp.set("messages.maxPayloadBytes", Integer.toString(LIMIT)));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    @Test
    void aPayloadOfExactlyTheLimitIsAcceptedAndDeliveredAndOneByteMoreIsNot() throws Exception {
        String agent = "big-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"Big\"}").status())
                .isEqualTo(201);
        // a JSON string payload: its bytes are the text plus two quotes
        String exactly = "x".repeat(LIMIT - 2);
        Http.Reply ok = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"agent:" + agent + "\",\"id\":\"big-1\","
                + "\"payload\":\"" + exactly + "\"}");
        assertThat(ok.status()).as(ok.body().length() > 300 ? ok.body().substring(0, 300) : ok.body()).isEqualTo(202);
        Http.Reply over = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"agent:" + agent + "\",\"payload\":\""
                + exactly + "x\"}");
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.code()).isEqualTo("PAYLOAD_TOO_LARGE");

        try (Topics topics = new Topics(TestInfra.get().bootstrapServers())) {
            List<ConsumerRecord<byte[], byte[]>> inbox = topics.readUntil(MESH.topic("agent." + agent),
                    rs -> !rs.isEmpty(), Duration.ofSeconds(60));
            assertThat(inbox.get(0).value()).hasSize(LIMIT);
        }
    }
}
