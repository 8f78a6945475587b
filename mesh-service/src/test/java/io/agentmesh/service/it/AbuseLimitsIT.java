package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.service.MeshConfiguration;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Limits and abuse on a secured node outside dev: per-agent send limits and per-owner registration
 * limits answer 429 / RESOURCE_EXHAUSTED with when to retry and recover; a namespace's own rate
 * replaces the default; push endpoints and health URLs that point into the mesh's network are refused.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AbuseLimitsIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(Secured.settings(
            MeshApp.set("outbound.allowPrivateNetworks", "false"),
            MeshApp.set("outbound.allow", "127.0.0.2/32"),
            // one token back every 5 s: the test's calls all fall between two refills
            MeshApp.set("limits.sends.tokens", "1"),
            MeshApp.set("limits.sends.per", "5s"),
            MeshApp.set("limits.sends.burst", "5"),
            MeshApp.set("limits.registrations.tokens", "1"),
            MeshApp.set("limits.registrations.per", "1m"),
            MeshApp.set("limits.registrations.burst", "4"),
            MeshApp.set("limits.namespaces.bulk.tokens", "1000"),
            MeshApp.set("limits.namespaces.bulk.per", "1s"),
            MeshApp.set("limits.namespaces.bulk.burst", "1000")));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    private static String send(String ignored, String to) {
        return "{\"to\":\"agent:" + to + "\",\"payload\":{\"n\":1}}";
    }

    @Test
    void anAgentOverItsSendRateGets429WithRetryAfterThenRecovers() throws Exception {
        String owner = Secured.issue(MESH, "limits-owner-" + RUN, "owner");
        String id = "limited-" + RUN;
        String key = Secured.register(MESH, owner, id).path("api_key").asText();
        String url = MESH.url("/api/v1/messages");
        for (int i = 0; i < 5; i++) {
            assertThat(Secured.post(url, key, send(key, id)).status()).as("send %d of the burst", i).isEqualTo(202);
        }
        Http.Reply limited = Secured.post(url, key, send(key, id));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo("RATE_LIMITED");
        assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
        int retryAfter = Integer.parseInt(limited.raw().headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1, 5);
        assertThat(limited.json().path("details").path("retry_after_seconds").asInt()).isEqualTo(retryAfter);
        // a batch counts each of its messages
        Http.Reply batch = Secured.post(MESH.url("/api/v1/messages/batch"), key,
                "{\"messages\":[" + send(key, id) + "," + send(key, id) + "]}");
        assertThat(batch.status()).isEqualTo(429);

        try (GrpcClient client = new GrpcClient(MESH.grpcPort())) {
            Metadata md = new Metadata();
            md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
            var stub = MeshServiceGrpc.newBlockingStub(ClientInterceptors.intercept(client.channel(),
                    MetadataUtils.newAttachHeadersInterceptor(md))).withDeadlineAfter(10, SECONDS);
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> stub.send(SendRequest
                    .newBuilder().setTo("agent:" + id).setPayload(com.google.protobuf.ByteString.copyFromUtf8("{}")).build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getTrailers().get(Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER))).isNotNull();
            assertThat(e.getTrailers().get(Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER)))
                    .isNotNull();
            // the standard rich status says the same to a stock client
            com.google.rpc.Status rich = io.grpc.protobuf.StatusProto.fromThrowable(e);
            assertThat(rich).isNotNull();
            assertThat(rich.getDetailsList()).anySatisfy(d -> assertThat(d.is(com.google.rpc.ErrorInfo.class)).isTrue());
            com.google.rpc.RetryInfo retry = rich.getDetailsList().stream().filter(d -> d.is(com.google.rpc.RetryInfo.class))
                    .findFirst().orElseThrow().unpack(com.google.rpc.RetryInfo.class);
            assertThat(retry.getRetryDelay().getSeconds()).isPositive();
        }

        await().atMost(retryAfter + 5, SECONDS).pollDelay(retryAfter, SECONDS)
                .until(() -> Secured.post(url, key, send(key, id)).status() == 202);
        assertThat(Secured.get(MESH.url("/metrics"), Secured.ADMIN_TOKEN).body())
                .contains("mesh_ratelimit_sends_refused");
    }

    @Test
    void aNamespaceWithItsOwnRateIsNotHeldToTheDefault() {
        String owner = Secured.issue(MESH, "bulk-owner-" + RUN, "owner");
        String id = "bulk-" + RUN;
        Http.Reply reg = Secured.post(MESH.url("/api/v1/agents"), owner,
                "{\"id\":\"" + id + "\",\"name\":\"bulk\",\"namespace\":\"bulk\"}");
        assertThat(reg.status()).as(reg.body()).isEqualTo(201);
        String key = reg.json().path("api_key").asText();
        for (int i = 0; i < 20; i++) {
            assertThat(Secured.post(MESH.url("/api/v1/messages"), key, send(key, id)).status()).isEqualTo(202);
        }
    }

    @Test
    void aFanOutCostsItsSenderOneSendPerAgentItReaches() {
        // two owners, so that their registration limits (a burst of 4 each) allow the five agents
        String owner1 = Secured.issue(MESH, "fan-owner-1-" + RUN, "owner");
        String owner2 = Secured.issue(MESH, "fan-owner-2-" + RUN, "owner");
        String ns = "fan-" + RUN;
        String key = null;
        for (int i = 0; i < 5; i++) {
            Http.Reply reg = Secured.post(MESH.url("/api/v1/agents"), i < 3 ? owner1 : owner2,
                    "{\"id\":\"fan-" + i + "-" + RUN + "\",\"name\":\"f\",\"namespace\":\"" + ns + "\"}");
            assertThat(reg.status()).as(reg.body()).isEqualTo(201);
            if (i == 0) {
                key = reg.json().path("api_key").asText();
            }
        }
        // the namespace holds 5 agents: one message to it costs 5 sends, the whole burst of 5
        Http.Reply fanOut = Secured.post(MESH.url("/api/v1/messages"), key,
                "{\"to\":\"namespace:" + ns + "\",\"payload\":{\"n\":1}}");
        assertThat(fanOut.status()).as(fanOut.body()).isEqualTo(202);
        Http.Reply next = Secured.post(MESH.url("/api/v1/messages"), key, send(key, "fan-1-" + RUN));
        assertThat(next.status()).as(next.body()).isEqualTo(429);
        assertThat(next.json().path("code").asText()).isEqualTo("RATE_LIMITED");
    }

    @Test
    void anIdAnotherOwnerHoldsIsRefusedBeforeItsInboxIsMade() throws Exception {
        String first = Secured.issue(MESH, "holder-" + RUN, "owner");
        String second = Secured.issue(MESH, "taker-" + RUN, "owner");
        String id = "held-" + RUN;
        assertThat(Secured.post(MESH.url("/api/v1/agents"), first, "{\"id\":\"" + id + "\",\"name\":\"h\"}").status())
                .isEqualTo(201);
        assertThat(Secured.delete(MESH.url("/api/v1/agents/" + id), first).status()).isEqualTo(200);
        String inbox = MESH.topic("agent." + id);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.get().bootstrapServers()))) {
            // its inbox is gone, as the janitor deletes it once the deregistered retention has passed
            admin.deleteTopics(java.util.List.of(inbox)).all().get(10, java.util.concurrent.TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    !admin.listTopics().names().get(10, java.util.concurrent.TimeUnit.SECONDS).contains(inbox));

            Http.Reply taken = Secured.post(MESH.url("/api/v1/agents"), second, "{\"id\":\"" + id + "\",\"name\":\"t\"}");
            assertThat(taken.status()).as(taken.body()).isEqualTo(409);
            assertThat(taken.json().path("code").asText()).isEqualTo("AGENT_ID_TAKEN");
            Thread.sleep(500);
            assertThat(admin.listTopics().names().get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .as("no inbox was made for a refused registration").doesNotContain(inbox);
        }
    }

    @Test
    void anOwnerOverItsRegistrationRateGets429() {
        String owner = Secured.issue(MESH, "reg-owner-" + RUN, "owner");
        int created = 0;
        Http.Reply last = null;
        for (int i = 0; i < 6; i++) {
            last = Secured.post(MESH.url("/api/v1/agents"), owner,
                    "{\"id\":\"reg-" + i + "-" + RUN + "\",\"name\":\"r\"}");
            if (last.status() == 201) {
                created++;
            } else {
                break;
            }
        }
        assertThat(created).isEqualTo(4);
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.json().path("message").asText()).contains("registers agents");
    }

    @Test
    void pushEndpointsAndHealthUrlsIntoTheMeshNetworkAreRefused() {
        String owner = Secured.issue(MESH, "ssrf-owner-" + RUN, "owner");
        Http.Reply metadata = Secured.post(MESH.url("/api/v1/agents"), owner, "{\"id\":\"ssrf-a-" + RUN
                + "\",\"name\":\"x\",\"delivery\":\"push\",\"endpoint\":\"http://169.254.169.254/latest/meta-data/\"}");
        assertThat(metadata.status()).isEqualTo(400);
        assertThat(metadata.json().path("details").path("field").asText()).isEqualTo("endpoint");
        assertThat(metadata.json().path("message").asText()).contains("cloud metadata service");

        Http.Reply loopback = Secured.post(MESH.url("/api/v1/agents"), owner, "{\"id\":\"ssrf-b-" + RUN
                + "\",\"name\":\"x\",\"health_url\":\"http://127.0.0.1:9/health\"}");
        assertThat(loopback.status()).isEqualTo(400);
        assertThat(loopback.json().path("details").path("field").asText()).isEqualTo("health_url");
        assertThat(Secured.get(MESH.url("/api/v1/agents/ssrf-b-" + RUN), Secured.ADMIN_TOKEN).status())
                .as("nothing stored").isEqualTo(404);

        // an allow-listed range is reachable; a pull agent's endpoint is informative and never called
        assertThat(Secured.post(MESH.url("/api/v1/agents"), owner, "{\"id\":\"ssrf-c-" + RUN
                + "\",\"name\":\"x\",\"health_url\":\"http://127.0.0.2:9/health\"}").status()).isEqualTo(201);
        JsonNode pull = Secured.register(MESH, owner, "ssrf-d-" + RUN);
        assertThat(pull.path("id").asText()).isEqualTo("ssrf-d-" + RUN);
    }
}
