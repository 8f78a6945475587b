package io.agentmesh.tools.dev;

import io.agentmesh.embedded.EmbeddedKafka;
import io.agentmesh.embedded.EmbeddedZooKeeper;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import net.sourceforge.argparse4j.inf.Namespace;
import org.eclipse.jetty.util.component.LifeCycle;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code dev}: the whole mesh on one machine. Starts a real Kafka broker (KRaft) and ZooKeeper in
 * this JVM with data under {@code dev.dataDir}, checks the local PostgreSQL (creating the database)
 * and Redis, then runs the server against them. Stops everything on Ctrl-C.
 */
public final class DevCommand extends ServerCommand<MeshConfiguration> {

    private EmbeddedKafka kafka;
    private EmbeddedZooKeeper zookeeper;

    public DevCommand(Application<MeshConfiguration> application) {
        super(application, "dev", "Runs the mesh with an in-process Kafka broker and ZooKeeper and the local PostgreSQL and Redis");
    }

    @Override
    protected void run(Bootstrap<MeshConfiguration> bootstrap, Namespace namespace, MeshConfiguration config)
            throws Exception {
        List<String> problems = LocalServices.problems(config.getDatabase(), config.getRedis().getUri());
        if (!problems.isEmpty()) {
            System.err.println("Agent Mesh cannot start in dev mode:");
            problems.forEach(p -> System.err.println("  - " + p));
            System.exit(3);
        }
        Path data = Path.of(config.getDev().getDataDir()).toAbsolutePath();
        kafka = new EmbeddedKafka(data.resolve("kafka"), config.getDev().getKafkaPort(),
                config.getDev().getControllerPort()).start();
        zookeeper = new EmbeddedZooKeeper(data.resolve("zookeeper"), config.getDev().getZookeeperPort()).start();
        config.getKafka().setBootstrapServers(kafka.bootstrapServers());
        config.getZookeeper().setConnect(zookeeper.connectString());
        config.getStreams().setStateDir(data.resolve("streams").toString());
        super.run(bootstrap, namespace, config);
    }

    @Override
    protected void run(Environment environment, Namespace namespace, MeshConfiguration config) throws Exception {
        environment.lifecycle().addServerLifecycleListener(server -> System.out.println(banner(config, server)));
        environment.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
                zookeeper.close();
                kafka.close();
            }
        });
        super.run(environment, namespace, config);
    }

    private String banner(MeshConfiguration config, org.eclipse.jetty.server.Server server) {
        int restPort = ((org.eclipse.jetty.server.ServerConnector) server.getConnectors()[0]).getLocalPort();
        return String.join("\n",
                "",
                "Agent Mesh is running (dev mode). Ctrl-C stops it.",
                "  REST        http://127.0.0.1:" + restPort + "   (health: /health, metrics: /metrics)",
                "  gRPC        127.0.0.1:" + config.getGrpc().getPort(),
                "  Kafka       " + kafka.bootstrapServers() + "   (KRaft, data in " + kafka.logDir() + ")",
                "  ZooKeeper   " + zookeeper.connectString(),
                "  PostgreSQL  " + config.getDatabase().getUrl(),
                "  Redis       " + config.getRedis().getUri(),
                "");
    }
}
