package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A message accepted for an agent that is deregistered before the router gets to it is
 * dead-lettered at once with a reason that says so, not retried. The API node here has no router;
 * a router node is started only after the agent is gone.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DeregisteredMailIT {

    static final MeshApp API = MeshApp.onSharedBroker(MeshApp.set("roles", "api,monitor"));
    static final DropwizardAppExtension<MeshConfiguration> APP = API.extension();

    @Test
    void mailForAnAgentDeregisteredBeforeRoutingIsDeadLetteredSayingSo() throws Exception {
        String agent = "leaving-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Reply reg = Http.post(API.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"Leaving\"}");
        assertThat(reg.status()).as(reg.body()).isEqualTo(201);
        String id = "late-mail-" + UUID.randomUUID();
        Http.Reply sent = Http.post(API.url("/api/v1/messages"), "{\"to\":\"agent:" + agent + "\",\"id\":\"" + id
                + "\",\"payload\":1}");
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        assertThat(Http.delete(API.url("/api/v1/agents/" + agent)).status()).isEqualTo(200);
        assertThat(Http.post(API.url("/api/v1/messages"), "{\"to\":\"agent:" + agent + "\",\"payload\":1}").status())
                .as("a new send is refused").isEqualTo(404);

        DropwizardAppExtension<MeshConfiguration> router = API.secondNode(MeshApp.set("roles", "router")).extension();
        router.before();
        try {
            await().atMost(90, SECONDS).until(() -> Http.get(API.url("/api/v1/queues/dlq?target=" + agent)).json()
                    .path("count").asInt() == 1);
            JsonNode dead = Http.get(API.url("/api/v1/queues/dlq?target=" + agent)).json().path("dead_letters").get(0);
            assertThat(dead.path("reason").asText()).isEqualTo("UNKNOWN_TARGET");
            assertThat(dead.path("error").asText()).isEqualTo("agent '" + agent + "' was deregistered");
            assertThat(dead.path("attempts").asInt()).isEqualTo(1);
        } finally {
            router.after();
        }
    }
}
