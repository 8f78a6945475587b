package io.agentmesh.service.it;

import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.registry.LiveAgentsView;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The node's copy of the live registry against a real redis-server: answers equal to what Redis holds
 * at the moment of the query (another client's writes included, with no wait), served from the copy
 * when nothing changed, entries gone when they expire even if Redis has not deleted them yet, and
 * nothing served from the copy across a Redis restart.
 */
class LiveAgentsViewIT {

    static final RedisProcess REDIS = new RedisProcess();
    static RedisClient writerClient;
    static StatefulRedisConnection<String, String> writerConnection;
    LiveAgentsView view;
    RedisCommands<String, String> writer;

    @BeforeAll
    static void startRedis() throws Exception {
        REDIS.start();
        writerClient = RedisClient.create(REDIS.uri());
        writerConnection = writerClient.connect();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        writerConnection.close();
        writerClient.shutdown();
        REDIS.close();
    }

    @BeforeEach
    void fresh() {
        writer = writerConnection.sync();
        writer.flushall();
        view = new LiveAgentsView(REDIS.uri(), Duration.ofSeconds(2), 1_000);
    }

    @AfterEach
    void close() {
        view.stop();
    }

    /** What the mesh writes for a live agent: its entry with a TTL, and the index sets. */
    private void put(String id, String ns, long ttlMs, String... caps) {
        String json = "{\"id\":\"" + id + "\",\"namespace\":\"" + ns + "\",\"capabilities\":[" + String.join(",",
                java.util.Arrays.stream(caps).map(c -> "\"" + c + "\"").toList()) + "]}";
        writer.set("mesh:agent:" + id, json, SetArgs.Builder.px(ttlMs));
        writer.sadd("mesh:agents", id);
        writer.sadd("mesh:ns:" + ns, id);
        for (String c : caps) {
            writer.sadd("mesh:cap:" + c, id);
        }
    }

    private void activeExpire(boolean on) {
        writer.dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("SET-ACTIVE-EXPIRE").add(on ? 1 : 0));
    }

    private void acl(String rule) {
        writer.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add("default").add(rule));
    }

    private List<String> ids(String capability, String namespace) {
        return view.find(capability, namespace).agents().stream()
                .map(json -> json.replaceAll("^\\{\"id\":\"([^\"]+)\".*$", "$1")).toList();
    }

    private long readFromRedis() {
        return ((Number) view.status().get("entries_read_from_redis")).longValue();
    }

    @Test
    void answersWhatRedisHoldsServesRepeatsFromTheCopyAndSeesOtherWritersAtOnce() {
        put("b", "ns1", 60_000, "sum");
        put("a", "ns1", 60_000, "sum", "tr");
        put("c", "ns2", 60_000, "sum");

        List<String> first = view.find("sum", "ns1").agents();
        assertThat(first).containsExactly(writer.get("mesh:agent:a"), writer.get("mesh:agent:b"));
        assertThat(ids(null, null)).containsExactly("a", "b", "c");
        assertThat(ids("sum", null)).containsExactly("a", "b", "c");
        assertThat(ids("none", null)).isEmpty();

        long reads = readFromRedis();
        assertThat(ids("sum", "ns1")).containsExactly("a", "b");
        assertThat(readFromRedis()).as("nothing changed: served from the copy").isEqualTo(reads);
        assertThat(view.status().get("tracking")).isEqualTo(true);

        // another client (another node) moves b to another capability: the next answer has it, no waiting
        writer.srem("mesh:cap:sum", "b");
        put("b", "ns1", 60_000, "tr");
        assertThat(ids("sum", "ns1")).containsExactly("a");
        assertThat(ids("tr", "ns1")).containsExactly("a", "b");
        assertThat(view.find("tr", "ns1").agents().get(1)).contains("\"tr\"");

        // a heartbeat (the TTL refreshed) has the entry read again, once
        reads = readFromRedis();
        writer.pexpire("mesh:agent:a", 60_000);
        assertThat(ids("tr", "ns1")).containsExactly("a", "b");
        assertThat(readFromRedis()).isEqualTo(reads + 1);

        // deleted (deregistered) and flushed
        writer.del("mesh:agent:a");
        assertThat(ids("tr", "ns1")).containsExactly("b");
        writer.flushall();
        assertThat(ids(null, null)).isEmpty();
        assertThat(view.status().get("agents")).isEqualTo(0);
    }

    @Test
    void anExpiredEntryIsGoneEvenBeforeRedisDeletesIt() throws Exception {
        activeExpire(false); // Redis then deletes an expired key only when it is read
        try {
            put("slow", "ns", 60_000, "x");
            put("fast", "ns", 400, "x");
            assertThat(ids("x", null)).containsExactly("fast", "slow");
            Thread.sleep(600);
            assertThat(ids("x", null)).containsExactly("slow");
        } finally {
            activeExpire(true);
        }
    }

    @Test
    void aConnectionLostBetweenQueriesNeverLeavesAStaleAnswer() throws Exception {
        put("k1", "ns", 60_000, "x");
        assertThat(ids("x", null)).containsExactly("k1");
        // the view's connection dropped (the writer's kept): its copy cannot follow writes until tracked again
        writer.clientKill(io.lettuce.core.KillArgs.Builder.typeNormal().skipme());
        put("k2", "ns", 60_000, "x");
        // let Lettuce reconnect first, so the next query finds a live connection that tracks nothing
        long me = writer.clientId();
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.clientList().lines()
                .anyMatch(c -> !c.startsWith("id=" + me + " ")));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                assertThat(ids("x", null)).as("an answer after the drop").containsExactly("k1", "k2");
                break;
            } catch (MeshException whileReconnecting) {
                assertThat(System.nanoTime()).as("answers again after the reconnect").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        assertThat(view.status().get("tracking")).isEqualTo(true);
        writer.del("mesh:agent:k1");
        assertThat(ids("x", null)).containsExactly("k2");
    }

    @Test
    void whereRedisRefusesTrackingEveryQueryReadsRedis() {
        acl("-client|tracking");
        try {
            put("r1", "ns", 60_000, "x");
            assertThat(ids("x", null)).containsExactly("r1");
            assertThat(view.status().get("tracking_refused")).isEqualTo(true);
            put("r2", "ns", 60_000, "x");
            writer.del("mesh:agent:r1");
            assertThat(ids("x", null)).containsExactly("r2");
            assertThat(view.status().get("agents")).isEqualTo(0);
        } finally {
            acl("+client|tracking");
        }
    }

    @Test
    void redisStoppedFailsTheQueryAndARestartedRedisIsReadAfresh() throws Exception {
        put("old", "ns", 60_000, "x");
        assertThat(ids("x", null)).containsExactly("old");

        REDIS.stop();
        assertThatThrownBy(() -> view.find("x", null)).isInstanceOf(MeshException.class)
                .hasMessageContaining("Redis unavailable");
        assertThat(view.status().get("tracking")).isEqualTo(false);

        REDIS.start();
        writerConnection.close();
        writerConnection = writerClient.connect();
        writer = writerConnection.sync();
        put("new", "ns", 60_000, "x");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> ids("x", null).equals(List.of("new")));
        assertThat(view.status().get("tracking")).isEqualTo(true);
        // and it keeps following writes after the reconnect
        writer.del("mesh:agent:new");
        assertThat(ids("x", null)).isEmpty();
    }
}
