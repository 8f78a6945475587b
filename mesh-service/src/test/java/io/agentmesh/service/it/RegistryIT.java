package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.service.registry.AgentDao;
import io.agentmesh.service.registry.RegisterCommand;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Registration lands in Postgres, Redis and the registry topic; deregistration tombstones it. */
@ExtendWith(DropwizardExtensionsSupport.class)
class RegistryIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static Topics topics;
    private static RedisClient redisClient;
    private static StatefulRedisConnection<String, String> redis;

    @BeforeAll
    static void setUp() {
        topics = new Topics(TestInfra.get().bootstrapServers());
        redisClient = RedisClient.create(TestInfra.REDIS_URI);
        redis = redisClient.connect();
    }

    @AfterAll
    static void tearDown() {
        redis.close();
        redisClient.shutdown();
        topics.close();
    }

    @Test
    void registerListCountHeartbeatAndDeregister() throws Exception {
        String ns = "ns-" + UUID.randomUUID().toString().substring(0, 6);
        String id = "planner-" + UUID.randomUUID().toString().substring(0, 6);
        Http.Reply created = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"Planner\","
                + "\"namespace\":\"" + ns + "\",\"capabilities\":[\"plan\",\"chat\",\"plan\"],"
                + "\"endpoint\":\"http://127.0.0.1:3001/agent\",\"metadata\":{\"model\":\"small\",\"gpu\":false}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.raw().headers().firstValue("Location").orElseThrow()).endsWith("/api/v1/agents/" + id);
        assertThat(created.json().path("capabilities").toString()).isEqualTo("[\"plan\",\"chat\"]");
        assertThat(created.json().path("status").asText()).isEqualTo("active");

        // re-registering the same id updates it (200, not 201)
        Http.Reply again = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"Planner 2\","
                + "\"namespace\":\"" + ns + "\",\"capabilities\":[\"plan\"],\"heartbeat_ttl_ms\":30000}");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("name").asText()).isEqualTo("Planner 2");

        Http.Reply generated = Http.post(MESH.url("/api/v1/agents"), "{\"name\":\"No id\",\"namespace\":\"" + ns + "\"}");
        assertThat(generated.status()).isEqualTo(201);
        String generatedId = generated.json().path("id").asText();
        assertThat(generatedId).matches("[0-9a-f-]{36}");
        topics.awaitListed(MESH.topic("agent." + id), MESH.topic("agent." + generatedId));

        // durable record and filters
        assertThat(Http.get(MESH.url("/api/v1/agents/" + id)).json().path("name").asText()).isEqualTo("Planner 2");
        Http.Reply byNs = Http.get(MESH.url("/api/v1/agents?namespace=" + ns));
        assertThat(byNs.json().path("count").asInt()).isEqualTo(2);
        Http.Reply byCap = Http.get(MESH.url("/api/v1/agents?namespace=" + ns + "&capability=plan"));
        assertThat(byCap.json().path("agents").findValuesAsText("id")).containsExactly(id);
        assertThat(Http.get(MESH.url("/api/v1/agents/count")).json().path("count").asLong()).isGreaterThanOrEqualTo(2);

        // live entry in Redis with the agent's own TTL, refreshed by heartbeats
        assertThat(redis.sync().get("mesh:agent:" + id)).contains("\"Planner 2\"");
        assertThat(redis.sync().ttl("mesh:agent:" + id)).isBetween(1L, 30L);
        redis.sync().del("mesh:agent:" + id);
        Http.Reply beat = Http.post(MESH.url("/api/v1/agents/" + id + "/heartbeat"), "");
        assertThat(beat.status()).as(beat.body()).isEqualTo(200);
        assertThat(beat.json().path("ttl_seconds").asInt()).isEqualTo(30);
        assertThat(redis.sync().exists("mesh:agent:" + id)).isEqualTo(1L);

        // registry topic carries the record, then the deregistration (the tombstone follows with the inbox)
        Http.Reply gone = Http.delete(MESH.url("/api/v1/agents/" + id));
        assertThat(gone.status()).as(gone.body()).isEqualTo(200);
        assertThat(gone.json().path("status").asText()).isEqualTo("deregistered");
        List<ConsumerRecord<byte[], byte[]>> registry = topics.readUntil(MESH.topic("registry"),
                rs -> rs.stream().anyMatch(r -> id.equals(key(r)) && r.value() != null
                        && new String(r.value(), StandardCharsets.UTF_8).contains("\"deregistered\"")), Duration.ofSeconds(10));
        List<ConsumerRecord<byte[], byte[]>> mine = registry.stream().filter(r -> id.equals(key(r))).toList();
        assertThat(mine).hasSize(3);
        assertThat(new String(mine.get(1).value(), StandardCharsets.UTF_8)).contains("Planner 2");
        assertThat(new String(mine.get(2).value(), StandardCharsets.UTF_8)).contains("\"status\":\"deregistered\"");
        assertThat(redis.sync().exists("mesh:agent:" + id)).isZero();

        // a deregistered agent takes no messages and no heartbeats, but stays readable
        assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + id + "\",\"payload\":1}").status()).isEqualTo(404);
        assertThat(Http.post(MESH.url("/api/v1/agents/" + id + "/heartbeat"), "").status()).isEqualTo(404);
        assertThat(Http.get(MESH.url("/api/v1/agents/" + id)).json().path("status").asText()).isEqualTo("deregistered");
        assertThat(Http.delete(MESH.url("/api/v1/agents/" + id)).status()).isEqualTo(404);
        assertThat(Http.get(MESH.url("/api/v1/agents?namespace=" + ns)).json().path("count").asInt()).isEqualTo(1);
    }

    @Test
    void aBatchRegistersEachAgentAsOneCallWouldAndAnswersEachInOrder() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String a = "batch-a-" + run;
        String b = "batch-b-" + run;
        Http.Reply reply = Http.post(MESH.url("/api/v1/agents/batch"), "{\"agents\":["
                + "{\"id\":\"" + a + "\",\"name\":\"A\",\"namespace\":\"batch-" + run + "\",\"capabilities\":[\"x\"]},"
                + "{\"id\":\"Not Valid\",\"name\":\"bad\"},"
                + "{\"id\":\"" + b + "\",\"name\":\"B\",\"namespace\":\"batch-" + run + "\",\"capabilities\":[\"x\"]}]}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.path("registered").asInt()).isEqualTo(2);
        assertThat(body.path("failed").asInt()).isEqualTo(1);
        JsonNode results = body.path("results");
        assertThat(results.get(0).path("index").asInt()).isZero();
        assertThat(results.get(0).path("status").asInt()).isEqualTo(201);
        assertThat(results.get(0).path("agent").path("id").asText()).isEqualTo(a);
        assertThat(results.get(1).path("status").asInt()).isEqualTo(400);
        assertThat(results.get(1).path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(results.get(1).path("error").path("details").path("field").asText()).isEqualTo("id");
        assertThat(results.get(2).path("agent").path("id").asText()).isEqualTo(b);
        // registered as one call registers: the inbox topics, the live entries, discovery
        topics.awaitListed(MESH.topic("agent." + a), MESH.topic("agent." + b));
        assertThat(redis.sync().exists("mesh:agent:" + a, "mesh:agent:" + b)).isEqualTo(2L);
        JsonNode found = Http.get(MESH.url("/api/v1/discover?namespace=batch-" + run)).json();
        assertThat(found.path("agents").findValuesAsText("id")).containsExactly(a, b);
        // the same batch again updates (200 each)
        Http.Reply again = Http.post(MESH.url("/api/v1/agents/batch"), "{\"agents\":[{\"id\":\"" + a
                + "\",\"name\":\"A2\",\"namespace\":\"batch-" + run + "\"}]}");
        assertThat(again.json().path("results").get(0).path("status").asInt()).as(again.body()).isEqualTo(200);
        // the router knows every agent of the batch when the call answers: a send to each is accepted
        for (String id : List.of(a, b)) {
            assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + id + "\",\"payload\":1}").status())
                    .isEqualTo(202);
        }
        // an id another owner holds is refused alone; the rest of the batch is stored
        String owned = "batch-o-" + run;
        String d = "batch-d-" + run;
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + owned + "\",\"name\":\"O\",\"owner\":\"alice\"}")
                .status()).isEqualTo(201);
        Http.Reply mixed = Http.post(MESH.url("/api/v1/agents/batch"), "{\"agents\":["
                + "{\"id\":\"" + d + "\",\"name\":\"D\",\"owner\":\"bob\"},"
                + "{\"id\":\"" + owned + "\",\"name\":\"O2\",\"owner\":\"bob\"}]}");
        assertThat(mixed.json().path("registered").asInt()).as(mixed.body()).isEqualTo(1);
        assertThat(mixed.json().path("results").get(0).path("status").asInt()).isEqualTo(201);
        assertThat(mixed.json().path("results").get(1).path("status").asInt()).isEqualTo(409);
        assertThat(mixed.json().path("results").get(1).path("error").path("code").asText()).isEqualTo("AGENT_ID_TAKEN");
        assertThat(Http.get(MESH.url("/api/v1/agents/" + owned)).json().path("name").asText()).isEqualTo("O");
        assertThat(Http.get(MESH.url("/api/v1/agents/" + d)).json().path("owner").asText()).isEqualTo("bob");
        // a NUL in metadata (Postgres's jsonb cannot hold it) is the caller's 400, alone or in a batch; nothing is stored
        String nul = "batch-nul-" + run;
        Http.Reply single = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + nul + "\",\"name\":\"N\","
                + "\"metadata\":{\"note\":\"a\\u0000b\"}}");
        assertThat(single.status()).as(single.body()).isEqualTo(400);
        assertThat(single.json().path("details").path("field").asText()).isEqualTo("metadata");
        Http.Reply inBatch = Http.post(MESH.url("/api/v1/agents/batch"), "{\"agents\":[{\"id\":\"" + nul
                + "\",\"name\":\"N\",\"metadata\":{\"k\\u0000\":1}}]}");
        assertThat(inBatch.json().path("results").get(0).path("status").asInt()).as(inBatch.body()).isEqualTo(400);
        assertThat(Http.get(MESH.url("/api/v1/agents/" + nul)).status()).isEqualTo(404);

        // malformed as a whole: 400 naming the field, nothing registered
        String c = "batch-c-" + run;
        Http.Reply twice = Http.post(MESH.url("/api/v1/agents/batch"), "{\"agents\":[{\"id\":\"" + c
                + "\",\"name\":\"C\"},{\"id\":\"" + c + "\",\"name\":\"C\"}]}");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.json().path("details").path("field").asText()).isEqualTo("agents[1].id");
        assertThat(Http.get(MESH.url("/api/v1/agents/" + c)).status()).isEqualTo(404);
        assertThat(Http.post(MESH.url("/api/v1/agents/batch"), "{\"agents\":[]}").json().path("details").path("field")
                .asText()).isEqualTo("agents");
        StringBuilder many = new StringBuilder("{\"agents\":[");
        for (int i = 0; i < 501; i++) {
            many.append(i == 0 ? "" : ",").append("{\"id\":\"m-").append(i).append("\",\"name\":\"m\"}");
        }
        Http.Reply tooMany = Http.post(MESH.url("/api/v1/agents/batch"), many.append("]}").toString());
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("message").asText()).contains("at most 500");
        assertThat(Http.post(MESH.url("/api/v1/agents/batch"), "{\"agents\":[{\"id\":\"x\",\"nope\":1}]}").status())
                .isEqualTo(400);
    }

    @Test
    void anIdAnotherOwnerInsertsMeanwhileIsNotTakenOver() throws Exception {
        // the owner checks lock an existing row; a new id has none to lock, so the upsert checks again
        String id = "race-" + UUID.randomUUID().toString().substring(0, 8);
        org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(TestInfra.get().databaseUrl(), TestInfra.PG_USER, "");
        AgentDao dao = new AgentDao(jdbi, new com.fasterxml.jackson.databind.ObjectMapper());
        RegisterCommand alices = new RegisterCommand(id, "A", "default", List.of(), null, java.util.Map.of(), "alice",
                null, null, "pull", null);
        try (org.jdbi.v3.core.Handle alice = jdbi.open()) {
            alice.begin();
            assertThat(dao.upsert(alice, alices, false, "alice", true)).isPresent();
            java.util.concurrent.CompletableFuture<java.util.Optional<AgentDao.Upsert>> bob =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> jdbi.inTransaction(h ->
                            dao.upsert(h, alices.withOwner("bob"), false, "bob", true)));
            Thread.sleep(500);
            assertThat(bob).as("bob's upsert waits for alice's insert").isNotDone();
            alice.commit();
            assertThat(bob.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("bob may not take alice's id").isEmpty();
        }
        assertThat(dao.find(id).orElseThrow().owner()).isEqualTo("alice");
        // an operator (override) may; the owner itself may
        java.util.Optional<AgentDao.Upsert> again = jdbi.inTransaction(h -> dao.upsert(h, alices, false, "alice", true));
        assertThat(again).isPresent();
        java.util.Optional<AgentDao.Upsert> operator = jdbi.inTransaction(h -> dao.upsert(h, alices.withOwner(null), true,
                null, false));
        assertThat(operator).isPresent();
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }
}
