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

    private MeshApp(String bootstrap, List<ConfigOverride> extra) {
        this(bootstrap, extra, "it" + UUID.randomUUID().toString().substring(0, 6), "node");
    }

    private MeshApp(String bootstrap, List<ConfigOverride> extra, String prefix, String node) {
        TestInfra infra = TestInfra.get();
        this.prefix = prefix;
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("server.connector.port", "0"),
                ConfigOverride.config("grpc.port", Integer.toString(grpcPort)),
                ConfigOverride.config("kafka.bootstrapServers", bootstrap),
                ConfigOverride.config("kafka.topicPrefix", prefix),
                ConfigOverride.config("streams.applicationId", prefix + "-router"),
                ConfigOverride.config("streams.stateDir", infra.dir().resolve("streams-" + prefix).toString()),
                ConfigOverride.config("nodeId", prefix + "-" + node),
                ConfigOverride.config("zookeeper.connect", infra.zookeeper()),
                ConfigOverride.config("zookeeper.basePath", "/" + prefix),
                ConfigOverride.config("database.url", infra.databaseUrl()),
                ConfigOverride.config("redis.uri", TestInfra.REDIS_URI),
                ConfigOverride.config("messages.maxPayloadBytes", "4096"),
                ConfigOverride.config("logging.level", "WARN"),
                // client reconnect warnings flood the log while KafkaDownIT has the broker stopped
                ConfigOverride.config("logging.loggers.org\\.apache\\.kafka", "ERROR")));
        overrides.addAll(extra);
        this.extension = new DropwizardAppExtension<>(MeshApplication.class, CONFIG,
                overrides.toArray(new ConfigOverride[0]));
    }

    public static MeshApp onSharedBroker(ConfigOverride... extra) {
        return new MeshApp(TestInfra.get().bootstrapServers(), List.of(extra));
    }

    public static MeshApp onBroker(String bootstrap, ConfigOverride... extra) {
        List<ConfigOverride> list = new ArrayList<>();
        Collections.addAll(list, extra);
        return new MeshApp(bootstrap, list);
    }

    /** Another node of the same mesh: same topics, router group and cluster path; its own ports and state. */
    public MeshApp secondNode(ConfigOverride... extra) {
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
