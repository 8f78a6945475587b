package io.agentmesh.service.it;

import io.agentmesh.embedded.LocalCertificates;
import io.agentmesh.proto.v1.Agent;
import io.agentmesh.proto.v1.HeartbeatRequest;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.proto.v1.RegisterRequest;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * REST and gRPC over TLS from PEM files, with stock clients: curl, openssl s_client (the runbook's
 * check) and grpc-java; and mTLS, where a client certificate whose subject CN is an agent id
 * authenticates as that agent.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class TlsIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String A = "tls-a-" + RUN;
    private static final String B = "tls-b-" + RUN;
    private static final Path DIR = tempDir();
    private static final LocalCertificates CA = ca();
    private static final LocalCertificates.Issued SERVER = issue(() -> CA.server("server"));
    private static final LocalCertificates.Issued CLIENT_A = issue(() -> CA.client("client-a", A));

    static final MeshApp MESH = MeshApp.onSharedBroker(Secured.settings(
            MeshApp.set("tls.certificate", SERVER.certificate().toString()),
            MeshApp.set("tls.privateKey", SERVER.privateKey().toString()),
            MeshApp.set("tls.clientCa", CA.caCertificate().toString())));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private interface Issue {
        LocalCertificates.Issued run() throws Exception;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("mesh-tls-it-");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LocalCertificates ca() {
        try {
            return LocalCertificates.create(DIR, "Agent Mesh test CA");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static LocalCertificates.Issued issue(Issue issue) {
        try {
            return issue.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String https(String path) {
        return "https://127.0.0.1:" + APP.getLocalPort() + path;
    }

    /** Registers the agent with the admin token over https (201 or 200 when it exists). */
    private static void register(String id) throws Exception {
        Run r = run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", CA.caCertificate().toString(),
                "-H", "Authorization: Bearer " + Secured.ADMIN_TOKEN, "-H", "Content-Type: application/json",
                "-d", "{\"id\":\"" + id + "\",\"name\":\"" + id + "\"}", https("/api/v1/agents"));
        assertThat(r.output).as("registering %s", id).isIn("200", "201");
    }

    @Test
    void restAnswersOverTlsToCurlAndACertificateNamesTheAgent() throws Exception {
        register(A);
        Run health = run("curl", "-sS", "--cacert", CA.caCertificate().toString(), https("/health"));
        assertThat(health.exit).as(health.output).isZero();
        assertThat(health.output).contains("\"status\"");

        // no token, no certificate: 401; the certificate alone: agent A
        Run anonymous = run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                CA.caCertificate().toString(), https("/api/v1/auth/whoami"));
        assertThat(anonymous.output).isEqualTo("401");
        Run byCertificate = run("curl", "-sS", "--cacert", CA.caCertificate().toString(),
                "--cert", CLIENT_A.certificate().toString(), "--key", CLIENT_A.privateKey().toString(),
                https("/api/v1/auth/whoami"));
        assertThat(byCertificate.output).as(byCertificate.output).contains("\"" + A + "\"", "agent");

        // a certificate from the right CA for an agent nobody registered speaks for no one
        LocalCertificates.Issued ghost = CA.client("client-ghost", "ghost-" + RUN);
        Run refused = run("curl", "-sS", "-w", "%{http_code}", "--cacert", CA.caCertificate().toString(),
                "--cert", ghost.certificate().toString(), "--key", ghost.privateKey().toString(),
                https("/api/v1/auth/whoami"));
        assertThat(refused.output).as(refused.output).endsWith("401").contains("not registered");

        // plain HTTP on the TLS port gets nothing useful
        Run plain = run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:" + APP.getLocalPort() + "/health");
        assertThat(plain.output).isNotEqualTo("200");
    }

    @Test
    void theSecurityPagesOpensslLinesMakeAnAgentCertificate() throws Exception {
        register("planner");
        Path work = Files.createTempDirectory(DIR, "page-");
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "security.md")).stream()
                .filter(l -> l.startsWith("openssl req ") || l.startsWith("openssl x509 -req ")
                        || (l.startsWith("curl ") && l.contains("--cert ")))
                .toList();
        assertThat(lines).hasSize(3);
        for (String line : lines) {
            String cmd = line.replace("data/tls/", DIR + "/")
                    .replace("https://127.0.0.1:3005", "https://127.0.0.1:" + APP.getLocalPort());
            Process p = new ProcessBuilder("bash", "-c", cmd).directory(work.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(cmd + "\n" + output).isZero();
            if (line.startsWith("curl ")) {
                assertThat(output).as(output).contains("\"planner\"");
            }
        }
    }

    @Test
    void opensslShowsTheChainOnBothPorts() throws Exception {
        for (int port : new int[]{APP.getLocalPort(), MESH.grpcPort()}) {
            Run s = run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-showcerts",
                    "-CAfile", CA.caCertificate().toString());
            assertThat(s.output).as("port %d:%n%s", port, s.output)
                    .contains("Verify return code: 0 (ok)", "CN = localhost", "CN = Agent Mesh test CA");
            assertThat(s.output.split("BEGIN CERTIFICATE", -1)).as("leaf and CA sent").hasSize(3);
        }
    }

    @Test
    void grpcJavaOverTlsAndMutualTlsNamingTheAgent() throws Exception {
        ManagedChannel anonymous = channel(false);
        ManagedChannel asA = channel(true);
        try {
            assertThat(HealthGrpc.newBlockingStub(anonymous).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            Metadata admin = new Metadata();
            admin.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + Secured.ADMIN_TOKEN);
            MeshServiceGrpc.MeshServiceBlockingStub operator = MeshServiceGrpc.newBlockingStub(
                    ClientInterceptors.intercept(anonymous, MetadataUtils.newAttachHeadersInterceptor(admin)))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
            for (String id : List.of(A, B)) {
                Agent registered = operator.register(RegisterRequest.newBuilder().setId(id).setName(id).build());
                assertThat(registered.getId()).isEqualTo(id);
            }

            MeshServiceGrpc.MeshServiceBlockingStub a = MeshServiceGrpc.newBlockingStub(asA).withDeadlineAfter(30, TimeUnit.SECONDS);
            a.heartbeat(HeartbeatRequest.newBuilder().setAgentId(A).build());
            assertThat(catchThrowableOfType(StatusRuntimeException.class,
                    () -> a.heartbeat(HeartbeatRequest.newBuilder().setAgentId(B).build())).getStatus().getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(catchThrowableOfType(StatusRuntimeException.class,
                    () -> MeshServiceGrpc.newBlockingStub(anonymous).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .heartbeat(HeartbeatRequest.newBuilder().setAgentId(A).build())).getStatus().getCode())
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        } finally {
            anonymous.shutdownNow();
            asA.shutdownNow();
        }
    }

    private static ManagedChannel channel(boolean withClientCertificate) throws Exception {
        SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(CA.caCertificate().toFile());
        if (withClientCertificate) {
            ssl.keyManager(CLIENT_A.certificate().toFile(), CLIENT_A.privateKey().toFile());
        }
        return NettyChannelBuilder.forAddress("127.0.0.1", MESH.grpcPort()).overrideAuthority("localhost")
                .sslContext(ssl.build()).build();
    }

    private record Run(int exit, String output) {
    }

    private static Run run(String... command) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish:\n" + output);
        }
        return new Run(p.exitValue(), output.strip());
    }
}
