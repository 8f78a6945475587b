package io.agentmesh.tools.dev;

import io.agentmesh.embedded.EmbeddedKafka;
import io.agentmesh.embedded.EmbeddedZooKeeper;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
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
    private boolean secured;
    private Path adminTokenFile;
    private Path tlsDir;
    private DevDataStores stores;

    public DevCommand(Application<MeshConfiguration> application) {
        super(application, "dev", "Runs the mesh with an in-process Kafka broker and ZooKeeper and the local PostgreSQL and Redis");
    }

    @Override
    public void configure(Subparser subparser) {
        super.configure(subparser);
        subparser.addArgument("--auth").action(Arguments.storeTrue()).dest("auth")
                .help("run secured, as ./mesh server does: every call needs a credential; the first admin token is "
                        + "written to <dev.dataDir>/credentials/admin.token (mode 600); the broker takes SASL logins "
                        + "only and agents get Kafka logins for their own topic");
        subparser.addArgument("--tls").action(Arguments.storeTrue()).dest("tls")
                .help("serve REST and gRPC over TLS with a throwaway CA made under <dev.dataDir>/tls/ (ca.pem, "
                        + "server.pem); client certificates signed by that CA authenticate as the agent their CN names; "
                        + "with --auth, the Kafka broker's listener is TLS too (SASL_SSL)");
    }

    @Override
    protected void run(Bootstrap<MeshConfiguration> bootstrap, Namespace namespace, MeshConfiguration config)
            throws Exception {
        secured = Boolean.TRUE.equals(namespace.getBoolean("auth"));
        config.getAuth().setEnabled(secured);
        adminTokenFile = Path.of(config.getDev().getDataDir()).toAbsolutePath().resolve("credentials/admin.token");
        config.getAuth().setBootstrapTokenFile(secured ? adminTokenFile.toString() : "");
        // agents on this machine: push endpoints and health URLs on loopback and private addresses are fine
        config.getOutbound().setAllowPrivateNetworks(true);
        Path data = Path.of(config.getDev().getDataDir()).toAbsolutePath();
        List<String> problems = new java.util.ArrayList<>(DevPorts.taken(config));
        stores = new DevDataStores(data, System.out);
        // with a port taken nothing starts: the stores are only checked, so every problem is said at once
        problems.addAll(stores.prepare(config, problems.isEmpty()));
        if (!problems.isEmpty()) {
            System.err.println("Agent Mesh cannot start in dev mode:");
            problems.forEach(p -> System.err.println("  - " + p));
            stores.close();
            System.exit(3);
        }
        if (Boolean.TRUE.equals(namespace.getBoolean("tls"))) {
            tlsDir = data.resolve("tls");
            DevTls.apply(tlsDir, config.getTls());
        }
        EmbeddedKafka.Sasl sasl = null;
        if (secured) {
            // the broker as ./mesh server deployments run it: SASL on, the authorizer refusing what no ACL
            // allows; every agent gets a Kafka login for its own topic with its API key
            DevSecrets secrets = DevSecrets.load(data.resolve("credentials/kafka.properties"));
            sasl = new EmbeddedKafka.Sasl(secrets.brokerPassword(), "mesh", secrets.meshPassword());
            config.getKafka().getSecurity().setProtocol("SASL_PLAINTEXT");
            config.getKafka().getSecurity().setSaslMechanism("PLAIN");
            config.getKafka().getSecurity().setUsername(sasl.meshUser());
            config.getKafka().getSecurity().setPassword(sasl.meshPassword());
            config.getKafka().getAgentAccess().setEnabled(true);
            config.getKafka().getAgentAccess().setPasswordSecret(secrets.agentSecret());
        }
        EmbeddedKafka.Tls kafkaTls = null;
        if (sasl != null && tlsDir != null) {
            // --auth --tls: the broker's client listener is SASL_SSL with the dev CA's server certificate
            kafkaTls = new EmbeddedKafka.Tls(tlsDir.resolve("server.pem"), tlsDir.resolve("server-key.pem"),
                    tlsDir.resolve("ca.pem"));
            config.getKafka().getSecurity().setProtocol("SASL_SSL");
            config.getKafka().getSecurity().setTruststorePem(tlsDir.resolve("ca.pem").toString());
        }
        kafka = new EmbeddedKafka(data.resolve("kafka"), config.getDev().getKafkaPort(),
                config.getDev().getControllerPort(), sasl, kafkaTls).start();
        zookeeper = new EmbeddedZooKeeper(data.resolve("zookeeper"), config.getDev().getZookeeperPort()).start();
        config.getKafka().setBootstrapServers(kafka.bootstrapServers());
        // one in-process broker: a broker failure is the machine's, and the node says so at start
        config.getKafka().setAllowUnsafeDurability(true);
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
                stores.close();
            }
        });
        super.run(environment, namespace, config);
    }

    private String banner(MeshConfiguration config, org.eclipse.jetty.server.Server server) {
        int restPort = ((org.eclipse.jetty.server.ServerConnector) server.getConnectors()[0]).getLocalPort();
        return String.join("\n",
                "",
                "Agent Mesh is running (dev mode). Ctrl-C stops it.",
                "  REST        " + (tlsDir == null ? "http" : "https") + "://127.0.0.1:" + restPort
                        + "   (health: /health, metrics: /metrics)",
                "  gRPC        127.0.0.1:" + config.getGrpc().getPort() + (tlsDir == null ? "" : " (TLS)"),
                tlsDir == null ? "  TLS         OFF. ./mesh dev --tls serves REST and gRPC over TLS"
                        : "  TLS         ON: CA " + tlsDir.resolve("ca.pem") + "\n              curl --cacert "
                        + tlsDir.resolve("ca.pem") + " https://127.0.0.1:" + restPort + "/health",
                "  Kafka       " + kafka.bootstrapServers() + "   (KRaft, " + kafka.securityProtocol() + ", data in "
                        + kafka.logDir() + ")"
                        + (kafka.secured() ? "\n              SASL + ACLs: an agent reads only its own topic, with the 'kafka' "
                        + "login of its registration" : ""),
                "  ZooKeeper   " + zookeeper.connectString(),
                "  PostgreSQL  " + stores.describePostgres(config.getDatabase().getUrl()),
                "  Redis       " + stores.describeRedis(config.getRedis().getUri()),
                secured
                        ? "  Auth        ON: every call needs 'Authorization: Bearer <token>'. Admin token: " + adminTokenFile
                        + (java.nio.file.Files.exists(adminTokenFile) ? "" : " (not written: an admin credential existed already)")
                        + "\n              export MESH_TOKEN=$(cat " + adminTokenFile + ")"
                        : "  Auth        OFF (open, loopback only): any local caller may do anything. ./mesh dev --auth runs secured",
                "");
    }
}
