package io.agentmesh.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.DynamicVoters;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller), in this JVM,
 * bound to 127.0.0.1. The log directory is formatted once; a restart on the same directory (and
 * ports) keeps every message.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /**
     * Who may log in to a secured broker besides the agents the mesh creates: the broker itself
     * (between its own listeners) and the mesh, both super users, both with SASL/PLAIN passwords
     * fixed in the broker's configuration (so a data directory made open can be run secured).
     * Agents log in with SCRAM-SHA-512 credentials the mesh creates; nobody else gets in.
     */
    public record Sasl(String brokerPassword, String meshUser, String meshPassword) {
        public Sasl {
            for (String v : new String[]{brokerPassword, meshUser, meshPassword}) {
                if (v == null || v.isEmpty() || v.indexOf('"') >= 0 || v.indexOf('\\') >= 0) {
                    throw new IllegalArgumentException("SASL names and passwords must be non-empty, without quotes or backslashes");
                }
            }
        }

        @Override
        public String toString() {
            return "Sasl[meshUser=" + meshUser + ", passwords hidden]";
        }
    }

    /** TLS on the client listener (SASL_SSL): the broker's PEM chain and key, and the CA that signed it. */
    public record Tls(Path certificateChain, Path privateKey, Path ca) {
    }

    public static final String BROKER_USER = "broker";

    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private final Sasl sasl;
    private final Tls tls;
    private KafkaRaftServer server;

    /** An open broker: one PLAINTEXT listener, no authorizer. */
    public EmbeddedKafka(Path logDir, int brokerPort, int controllerPort) {
        this(logDir, brokerPort, controllerPort, null);
    }

    /**
     * With {@code sasl}: the client listener takes SASL (SCRAM-SHA-512 for agents, PLAIN for the
     * broker and the mesh), the controller listener SASL/PLAIN for the broker only, and the KRaft
     * {@code StandardAuthorizer} refuses whatever no ACL allows.
     */
    public EmbeddedKafka(Path logDir, int brokerPort, int controllerPort, Sasl sasl) {
        this(logDir, brokerPort, controllerPort, sasl, null);
    }

    /** With {@code tls} as well: the client listener is SASL_SSL (the controller's stays on loopback, broker-only). */
    public EmbeddedKafka(Path logDir, int brokerPort, int controllerPort, Sasl sasl, Tls tls) {
        if (tls != null && sasl == null) {
            throw new IllegalArgumentException("TLS on the embedded broker comes with SASL");
        }
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.sasl = sasl;
        this.tls = tls;
    }

    public boolean secured() {
        return sasl != null;
    }

    /** The security protocol of the client listener. */
    public String securityProtocol() {
        return sasl == null ? "PLAINTEXT" : tls == null ? "SASL_PLAINTEXT" : "SASL_SSL";
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized EmbeddedKafka start() {
        Properties props = brokerProperties();
        KafkaConfig config = KafkaConfig.fromProps(props);
        formatIfNew();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        LOG.info("Kafka broker (KRaft) listening on {} ({}) with data in {}", bootstrapServers(), securityProtocol(), logDir);
        return this;
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        if (sasl == null) {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            secure(p);
        }
        p.put("controller.listener.names", "CONTROLLER");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "6");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        // the mesh creates every topic it uses, with its settings; a client's metadata request must
        // not bring back an inbox the janitor deleted (it would come back with the broker's defaults)
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        return p;
    }

    private void secure(Properties p) {
        String plain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + BROKER_USER
                + "\" password=\"" + sasl.brokerPassword() + "\" user_" + BROKER_USER + "=\"" + sasl.brokerPassword() + "\"";
        p.put("listeners", "CLIENT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "CLIENT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "CLIENT:" + securityProtocol() + ",CONTROLLER:SASL_PLAINTEXT");
        if (tls != null) {
            try {
                // a PEM key store file (key, then chain) as a deployment would name it; the broker's own
                // client side trusts the same CA
                Path keyStore = logDir.resolveSibling(logDir.getFileName() + "-keystore.pem");
                Files.deleteIfExists(keyStore);
                Files.createFile(keyStore, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                Files.writeString(keyStore, Files.readString(tls.privateKey()) + Files.readString(tls.certificateChain()));
                p.put("ssl.keystore.type", "PEM");
                p.put("ssl.keystore.location", keyStore.toString());
                p.put("ssl.truststore.type", "PEM");
                p.put("ssl.truststore.location", tls.ca().toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read the broker's TLS material: " + e.getMessage(), e);
            }
        }
        p.put("inter.broker.listener.name", "CLIENT");
        p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        p.put("listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        p.put("listener.name.client.plain.sasl.jaas.config",
                plain + " user_" + sasl.meshUser() + "=\"" + sasl.meshPassword() + "\";");
        p.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put("listener.name.controller.plain.sasl.jaas.config", plain + ";");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("super.users", "User:" + BROKER_USER + ";User:" + sasl.meshUser());
        // a session re-authenticates every 5 minutes: an agent whose credentials were deleted is cut off
        p.put("connections.max.reauth.ms", "300000");
    }

    /**
     * Formats the log directory as a standalone KRaft controller (what {@code kafka-storage.sh format
     * --standalone} does), once; an existing directory keeps its cluster and its data.
     */
    private void formatIfNew() {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            String dir = logDir.toAbsolutePath().toString();
            new Formatter()
                    .setPrintStream(new PrintStream(buffer, true, StandardCharsets.UTF_8))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dir))
                    .setMetadataLogDirectory(dir)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName("CONTROLLER")
                    .setHasDynamicQuorum(true)
                    .setInitialControllers(DynamicVoters.parse("1@127.0.0.1:" + controllerPort + ":" + Uuid.randomUuid()))
                    .run();
            LOG.debug("formatted {}: {}", logDir, buffer.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            LOG.info("Kafka broker on {} stopped", bootstrapServers());
        }
    }
}
