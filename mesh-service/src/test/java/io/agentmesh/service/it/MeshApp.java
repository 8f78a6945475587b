package io.agentmesh.service.it;

import io.agentmesh.service.MeshApplication;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * A whole mesh node under test, on the shared test infrastructure, with its own topic prefix and
 * router application id so test classes do not see each other's traffic.
 */
public final class MeshApp {

    public static final String CONFIG = System.getProperty("mesh.config", "../config.yml");

    private final String prefix;
    private final int grpcPort = Ports.free();
    private final DropwizardAppExtension<MeshConfiguration> extension;

    /** One configuration setting for a test node; it replaces the default of the same key. */
    public record Setting(String key, String value) {
    }

    public static Setting set(String key, String value) {
        return new Setting(key, value);
    }

    private MeshApp(String bootstrap, List<Setting> extra) {
        this(bootstrap, extra, "it" + UUID.randomUUID().toString().substring(0, 6), "node");
    }

    private MeshApp(String bootstrap, List<Setting> extra, String prefix, String node) {
        TestInfra infra = TestInfra.get();
        this.prefix = prefix;
        List<Setting> defaults = new ArrayList<>(List.of(
                set("server.applicationConnectors[0].port", "0"),
                set("server.adminConnectors[0].port", "0"),
                // most tests exercise the mesh itself; the auth tests turn authentication on
                set("auth.enabled", "false"),
                set("auth.bootstrapTokenFile", ""),
                // push stubs and health endpoints of the tests listen on loopback
                set("outbound.allowPrivateNetworks", "true"),
                set("grpc.port", Integer.toString(grpcPort)),
                set("kafka.bootstrapServers", bootstrap),
                // the test broker is one broker
                set("kafka.allowUnsafeDurability", "true"),
                set("kafka.topicPrefix", prefix),
                set("streams.applicationId", prefix + "-router"),
                set("streams.stateDir", infra.dir().resolve("streams-" + prefix).toString()),
                set("nodeId", prefix + "-" + node),
                set("zookeeper.connect", infra.zookeeper()),
                set("zookeeper.basePath", "/" + prefix),
                // set by every node: Dropwizard restores overridden system properties per app, and with
                // two nodes the second restores the first's value, which would leak into later classes
                set("zookeeper.expectedNodes", "1"),
                set("roles", "api,grpc,router,monitor"),
                set("database.url", infra.databaseUrl()),
                set("redis.uri", TestInfra.REDIS_URI),
                // agents in tests do not heartbeat: they must not expire mid-test (expiry tests set their own TTL)
                set("redis.heartbeatTtl", "30m"),
                set("messages.maxPayloadBytes", "4096"),
                set("logging.level", "WARN"),
                // client reconnect warnings flood the log while KafkaDownIT has the broker stopped
                set("logging.loggers.org\\.apache\\.kafka", "ERROR")));
        java.util.Map<String, String> merged = new java.util.LinkedHashMap<>();
        defaults.forEach(d -> merged.put(d.key(), d.value()));
        extra.forEach(e -> merged.put(e.key(), e.value()));
        this.extension = new DropwizardAppExtension<>(MeshApplication.class, CONFIG,
                merged.entrySet().stream().map(e -> ConfigOverride.config(e.getKey(), e.getValue()))
                        .toArray(ConfigOverride[]::new));
    }

    public static MeshApp onSharedBroker(Setting... extra) {
        return new MeshApp(TestInfra.get().bootstrapServers(), List.of(extra));
    }

    public static MeshApp onBroker(String bootstrap, Setting... extra) {
        List<Setting> list = new ArrayList<>();
        Collections.addAll(list, extra);
        return new MeshApp(bootstrap, list);
    }

    /** Another node of the same mesh: same topics, router group and cluster path; its own ports and state. */
    public MeshApp secondNode(Setting... extra) {
        return new MeshApp(TestInfra.get().bootstrapServers(), List.of(extra), prefix, "node2");
    }

    public DropwizardAppExtension<MeshConfiguration> extension() {
        return extension;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + extension.getLocalPort() + path;
    }

    public int grpcPort() {
        return grpcPort;
    }

    public String prefix() {
        return prefix;
    }

    public String topic(String suffix) {
        return prefix + "." + suffix;
    }
}
