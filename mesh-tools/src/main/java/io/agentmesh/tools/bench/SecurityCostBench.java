package io.agentmesh.tools.bench;

import io.agentmesh.embedded.LocalCertificates;
import io.agentmesh.embedded.StandaloneService;
import io.agentmesh.tools.harness.ChildProcess;
import io.agentmesh.tools.harness.FreePorts;
import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.tools.harness.MeshHttp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What SASL and TLS cost, in one run. Kafka: the same produce-then-consume as the raw baseline
 * (acks=all in, read_committed out) on three fresh brokers — PLAINTEXT, SASL_PLAINTEXT, SASL_SSL —
 * producing as the mesh (PLAIN) and consuming as an agent (SCRAM-SHA-512, its ACLs only). REST: the
 * same sends against the bench's node without and with TLS.
 */
public final class SecurityCostBench {

    private static final String MESH_USER = "mesh";
    private static final String AGENT_USER = "agent-bench";
    private static final String RECEIVER = "bench-tls-receiver";

    private final LocalStack stack;
    private final Path dir;
    private final int payloadBytes;

    public SecurityCostBench(LocalStack stack, Path dir, int payloadBytes) {
        this.stack = stack;
        this.dir = dir;
        this.payloadBytes = payloadBytes;
    }

    public List<BenchResults.SecurityCost> run(int kafkaMessages, int restMessages) throws Exception {
        Path tls = dir.resolve("bench-tls");
        LocalCertificates ca = LocalCertificates.create(tls, "Agent Mesh bench CA");
        LocalCertificates.Issued server = ca.server("server");
        List<BenchResults.SecurityCost> out = new ArrayList<>();

        double plain = 0;
        for (String protocol : List.of("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL")) {
            BenchResults.Throughput t = kafka(protocol, tls, kafkaMessages);
            if (protocol.equals("PLAINTEXT")) {
                plain = t.deliveredPerSecond();
            }
            out.add(new BenchResults.SecurityCost("Kafka produce + consume", protocol, t.messages(),
                    t.acceptedPerSecond(), t.deliveredPerSecond(), t.deliveredPerSecond() / plain));
        }

        // REST: each side after a restart and a warm-up, as in the auth part
        MeshHttp open = new MeshHttp(stack.restUrl(), Duration.ofSeconds(30));
        MeshHttp.Reply r = open.post("/api/v1/agents", "{\"id\":\"" + RECEIVER + "\",\"name\":\"" + RECEIVER
                + "\",\"heartbeat_ttl_ms\":86400000}");
        if (r.status() != 201 && r.status() != 200) {
            throw new IllegalStateException("register " + RECEIVER + ": " + r.status() + " " + r.body());
        }
        Map<String, String> off = Map.of("tls.certificate", "", "tls.privateKey", "");
        stack.restartMesh(off, null);
        ClosedLoop.Sample httpOff = rest(restMessages);
        stack.restartMesh(Map.of("tls.certificate", server.certificate().toString(),
                "tls.privateKey", server.privateKey().toString()), trusting(ca.caCertificate()));
        ClosedLoop.Sample httpsOn = rest(restMessages);
        stack.restartMesh(off, null);
        out.add(new BenchResults.SecurityCost("REST send (16 clients)", "HTTP", restMessages, httpOff.perSecond(),
                httpOff.perSecond(), 1.0));
        out.add(new BenchResults.SecurityCost("REST send (16 clients)", "HTTPS", restMessages, httpsOn.perSecond(),
                httpsOn.perSecond(), httpsOn.perSecond() / httpOff.perSecond()));
        return out;
    }

    private ClosedLoop.Sample rest(int messages) throws Exception {
        RestSends.run(() -> new MeshHttp(stack.restUrl(), Duration.ofSeconds(30), null, stack.meshTls()),
                "agent:" + RECEIVER, messages / 2, 16, payloadBytes);
        return RestSends.run(() -> new MeshHttp(stack.restUrl(), Duration.ofSeconds(30), null, stack.meshTls()),
                "agent:" + RECEIVER, messages, 16, payloadBytes);
    }

    /** A fresh broker with this client protocol: produce as the mesh, consume as an agent; warm-up first. */
    private BenchResults.Throughput kafka(String protocol, Path tls, int messages) throws Exception {
        boolean sasl = !protocol.equals("PLAINTEXT");
        boolean ssl = protocol.equals("SASL_SSL");
        String brokerPassword = UUID.randomUUID().toString();
        String meshPassword = UUID.randomUUID().toString();
        String agentPassword = UUID.randomUUID().toString();
        Map<String, String> env = new HashMap<>();
        if (sasl) {
            env.put("MESH_KAFKA_BROKER_PASSWORD", brokerPassword);
            env.put("MESH_KAFKA_PASSWORD", meshPassword);
        }
        if (ssl) {
            env.put("MESH_KAFKA_TLS_DIR", tls.toString());
        }
        int port = FreePorts.next();
        ChildProcess broker = ChildProcess.java("kafka-" + protocol.toLowerCase(), System.getProperty("java.class.path"),
                List.of("-Xmx1g"), List.of(StandaloneService.class.getName(), sasl ? "kafka-sasl" : "kafka",
                        dir.resolve("kafka-" + protocol.toLowerCase()).toString(), Integer.toString(port),
                        Integer.toString(FreePorts.next())), env, dir.resolve("logs/kafka-" + protocol.toLowerCase() + ".out"));
        broker.start();
        try {
            String bootstrap = "127.0.0.1:" + port;
            Map<String, Object> mesh = login(protocol, "PLAIN", MESH_USER, meshPassword, tls);
            Map<String, Object> agent = login(protocol, "SCRAM-SHA-512", AGENT_USER, agentPassword, tls);
            awaitBroker(broker, bootstrap, mesh);
            if (sasl) {
                grantAgent(bootstrap, mesh, agentPassword);
            }
            RawKafkaBench bench = new RawKafkaBench(bootstrap, payloadBytes, mesh, sasl ? agent : Map.of());
            bench.throughput(Math.max(1000, messages / 5));
            return bench.throughput(protocol, messages);
        } finally {
            broker.stop(30);
        }
    }

    private static Map<String, Object> login(String protocol, String mechanism, String user, String password, Path tls) {
        Map<String, Object> p = new HashMap<>();
        p.put("security.protocol", protocol);
        if (!protocol.equals("PLAINTEXT")) {
            String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.mechanism", mechanism);
            p.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
        }
        if (protocol.endsWith("SSL")) {
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.location", tls.resolve("ca.pem").toString());
        }
        return p;
    }

    private static void awaitBroker(ChildProcess broker, String bootstrap, Map<String, Object> login) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            if (!broker.alive()) {
                throw new IllegalStateException(broker.name() + " exited:\n" + broker.tail(40));
            }
            try (Admin admin = Admin.create(admin(bootstrap, login))) {
                if (!admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(broker.name() + " not up: " + e + "\n" + broker.tail(40));
                }
            }
            Thread.sleep(250);
        }
    }

    /** The agent's SCRAM credential and read rights on the bench's topics, as the mesh would grant them. */
    private static void grantAgent(String bootstrap, Map<String, Object> mesh, String password) throws Exception {
        try (Admin admin = Admin.create(admin(bootstrap, mesh))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(AGENT_USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get(10, TimeUnit.SECONDS);
            ResourcePattern topics = new ResourcePattern(ResourceType.TOPIC, "bench.raw-", PatternType.PREFIXED);
            admin.createAcls(List.of(
                    new AclBinding(topics, new AccessControlEntry("User:" + AGENT_USER, "*", AclOperation.READ,
                            AclPermissionType.ALLOW)),
                    new AclBinding(topics, new AccessControlEntry("User:" + AGENT_USER, "*", AclOperation.DESCRIBE,
                            AclPermissionType.ALLOW)))).all().get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!admin.describeUserScramCredentials(List.of(AGENT_USER)).all().get(10, TimeUnit.SECONDS)
                    .containsKey(AGENT_USER) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
    }

    private static Map<String, Object> admin(String bootstrap, Map<String, Object> login) {
        Map<String, Object> p = new HashMap<>(login);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        return p;
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
