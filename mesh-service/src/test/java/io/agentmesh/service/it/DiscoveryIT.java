package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Discovery from Redis, falling back to Postgres while Redis is stopped, and the cache rebuilt when it returns. */
@ExtendWith(DropwizardExtensionsSupport.class)
class DiscoveryIT {

    static final RedisProcess REDIS = startRedis();
    static final MeshApp MESH = MeshApp.onSharedBroker(MeshApp.set("redis.uri", REDIS.uri()),
            MeshApp.set("redis.commandTimeout", "500ms"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static RedisProcess startRedis() {
        try {
            return new RedisProcess().start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a test redis-server: " + e.getMessage(), e);
        }
    }

    @AfterAll
    static void stopRedis() throws Exception {
        REDIS.close();
    }

    private static List<String> ids(JsonNode reply) {
        List<String> out = new ArrayList<>();
        reply.path("agents").forEach(a -> out.add(a.path("id").asText()));
        return out;
    }

    private static JsonNode discover(String query) {
        Http.Reply r = Http.get(MESH.url("/api/v1/discover?" + query));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void discoveryFromRedisThenPostgresWhileRedisIsDownThenRedisAgain() throws Exception {
        String ns = "disc-" + UUID.randomUUID().toString().substring(0, 6);
        String a = "da-" + UUID.randomUUID().toString().substring(0, 6);
        String b = "db-" + UUID.randomUUID().toString().substring(0, 6);
        String c = "dc-" + UUID.randomUUID().toString().substring(0, 6);
        for (String[] agent : new String[][]{{a, "summarize"}, {b, "summarize"}, {c, "translate"}}) {
            assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent[0] + "\",\"name\":\"x\",\"namespace\":\""
                    + ns + "\",\"capabilities\":[\"" + agent[1] + "\"]}").status()).isEqualTo(201);
        }

        // 1. from Redis, with the runbook's keys and the indexes
        JsonNode live = discover("namespace=" + ns + "&capability=summarize");
        assertThat(live.path("source").asText()).isEqualTo("redis");
        assertThat(ids(live)).containsExactly(a, b);
        assertThat(ids(discover("namespace=" + ns))).containsExactly(a, b, c);
        RedisClient client = RedisClient.create(REDIS.uri());
        try (var conn = client.connect()) {
            assertThat(conn.sync().keys("mesh:agent:*")).contains("mesh:agent:" + a, "mesh:agent:" + c);
            assertThat(conn.sync().smembers("mesh:cap:summarize")).contains(a, b);
        } finally {
            client.shutdown();
        }

        // 2. an update moves the agent between indexes
        Http.Reply updated = Http.send(HttpRequest.newBuilder(URI.create(MESH.url("/api/v1/agents/" + b)))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"b2\",\"namespace\":\"" + ns + "\",\"capabilities\":[\"translate\"]}")));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(ids(discover("namespace=" + ns + "&capability=summarize"))).containsExactly(a);
        assertThat(ids(discover("namespace=" + ns + "&capability=translate"))).containsExactly(b, c);

        // 3. Redis stopped: answers come from Postgres, marked degraded; nothing crashes
        REDIS.stop();
        JsonNode fallback = discover("namespace=" + ns + "&capability=translate");
        assertThat(fallback.path("source").asText()).isEqualTo("postgres");
        assertThat(fallback.path("degraded").asBoolean()).isTrue();
        assertThat(ids(fallback)).containsExactly(b, c);
        Http.Reply health = Http.get(MESH.url("/health"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("degraded");
        assertThat(health.json().path("components").path("redis").path("status").asText()).isEqualTo("down");
        assertThat(Http.get(MESH.url("/api/v1/discovery/status")).json().path("redis").asText()).isEqualTo("down");
        // heartbeats still count (Postgres keeps them, so nobody expires during the outage)
        Http.Reply beat = Http.post(MESH.url("/api/v1/agents/" + a + "/heartbeat"), "");
        assertThat(beat.status()).as(beat.body()).isEqualTo(200);
        assertThat(beat.json().path("live_cache").asText()).isEqualTo("unavailable");
        await().atMost(10, SECONDS).until(() -> Http.get(MESH.url("/metrics")).body().contains("mesh_discovery_healthy 0.0"));

        // 4. Redis back, empty: the watchdog rebuilds the cache from Postgres by itself
        REDIS.start();
        await().atMost(30, SECONDS).until(() -> "redis".equals(discover("namespace=" + ns).path("source").asText())
                && ids(discover("namespace=" + ns)).size() == 3);
        assertThat(ids(discover("namespace=" + ns + "&capability=translate"))).containsExactly(b, c);
        JsonNode status = Http.get(MESH.url("/api/v1/discovery/status")).json();
        assertThat(status.path("redis").asText()).isEqualTo("up");
        assertThat(status.path("last_rebuild").asText()).isNotBlank();
        assertThat(status.path("cache_size").asLong()).isGreaterThanOrEqualTo(3);

        // 5. reregister on demand answers how many
        Http.Reply re = Http.post(MESH.url("/api/v1/agents/reregister"), "");
        assertThat(re.status()).as(re.body()).isEqualTo(200);
        assertThat(re.json().path("redis").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(re.json().path("registry").path("republished").asInt()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void badDiscoveryAndUpdateRequestsAreRefused() {
        assertThat(Http.get(MESH.url("/api/v1/discover?capability=Not%20Valid")).status()).isEqualTo(400);
        assertThat(Http.get(MESH.url("/api/v1/discover?status=sleeping")).status()).isEqualTo(400);
        Http.Reply missing = Http.send(HttpRequest.newBuilder(URI.create(MESH.url("/api/v1/agents/nobody-upd")))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));
        assertThat(missing.status()).isEqualTo(404);
        Http.Reply mismatch = Http.send(HttpRequest.newBuilder(URI.create(MESH.url("/api/v1/agents/some-id")))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"id\":\"other\",\"name\":\"x\"}")));
        assertThat(mismatch.status()).isEqualTo(400);
    }
}
