package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.agentmesh.proto.v1.HeartbeatRequest;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.service.MeshConfiguration;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Agents of a deployment with an identity provider: JWTs checked against a test JWKS (served here)
 * on signature, issuer, audience, expiry and the claim naming the agent.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class JwtIT {

    private static final String ISSUER = "https://idp.test.example";
    private static final String AUDIENCE = "agent-mesh";
    private static final RSAKey KEY = rsa("idp-1");
    private static final RSAKey IMPOSTOR = rsa("idp-1"); // same key id, another key
    private static final HttpServer JWKS = jwks();

    static final MeshApp MESH = MeshApp.onSharedBroker(Secured.settings(
            MeshApp.set("auth.jwt.jwksUrl", "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks.json"),
            MeshApp.set("auth.jwt.issuer", ISSUER),
            MeshApp.set("auth.jwt.audience", AUDIENCE),
            MeshApp.set("auth.jwt.namespaceClaim", "mesh_namespace")));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static final String AGENT = "jwt-" + UUID.randomUUID().toString().substring(0, 6);

    private static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer jwks() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/jwks.json", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopJwks() {
        JWKS.stop(0);
    }

    private static JWTClaimsSet.Builder claims(String agent) {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("workload/" + agent)
                .claim("agent_id", agent).expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static String sign(JWTClaimsSet claims, RSAKey key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static Http.Reply whoami(String token) {
        return Secured.get(MESH.url("/api/v1/auth/whoami"), token);
    }

    @Test
    void aValidJwtNamesTheAgentWhichMayRegisterItselfAndReadOnlyItsInbox() throws Exception {
        // without a namespace from the identity provider, the first registration is its owner's
        String withoutNamespace = sign(claims(AGENT).build(), KEY);
        assertThat(Secured.post(MESH.url("/api/v1/agents"), withoutNamespace, "{\"name\":\"JWT agent\"}").status())
                .isEqualTo(403);
        String token = sign(claims(AGENT).claim("mesh_namespace", "jwt-team").build(), KEY);
        JsonNode me = whoami(token).json();
        assertThat(me.path("kind").asText()).isEqualTo("agent");
        assertThat(me.path("name").asText()).isEqualTo(AGENT);

        Http.Reply registered = Secured.post(MESH.url("/api/v1/agents"), token, "{\"name\":\"JWT agent\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(registered.json().path("id").asText()).isEqualTo(AGENT);
        assertThat(registered.json().has("api_key")).as("a JWT agent needs no mesh key").isFalse();
        assertThat(registered.json().path("namespace").asText()).isEqualTo("jwt-team");
        assertThat(Secured.put(MESH.url("/api/v1/agents/" + AGENT), token, "{\"name\":\"x\",\"namespace\":\"elsewhere\"}")
                .status()).as("an agent cannot move itself to another namespace").isEqualTo(403);
        assertThat(Secured.get(MESH.url("/api/v1/agents/" + AGENT + "/messages?wait=0"), token).status()).isEqualTo(200);
        assertThat(Secured.post(MESH.url("/api/v1/agents"), token, "{\"id\":\"someone-else\",\"name\":\"x\"}").status())
                .isEqualTo(403);

        try (GrpcClient client = new GrpcClient(MESH.grpcPort())) {
            Metadata md = new Metadata();
            md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            var stub = MeshServiceGrpc.newBlockingStub(ClientInterceptors.intercept(client.channel(),
                    MetadataUtils.newAttachHeadersInterceptor(md))).withDeadlineAfter(10, SECONDS);
            assertThat(stub.heartbeat(HeartbeatRequest.newBuilder().setAgentId(AGENT).build()).getId()).isEqualTo(AGENT);
            assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> stub.heartbeat(
                    HeartbeatRequest.newBuilder().setAgentId("someone-else").build())).getStatus().getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
        }

        // deregistered: its identity provider's tokens no longer open the mesh (keys are revoked; JWTs are refused)
        assertThat(Secured.delete(MESH.url("/api/v1/agents/" + AGENT), token).status()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(10, SECONDS).until(() -> whoami(token).status() == 401);
        assertThat(whoami(token).json().path("message").asText()).contains("deregistered");
    }

    @Test
    void jwtsAreRefusedOnIssuerAudienceExpirySignatureAndClaim() throws Exception {
        assertRefused(sign(claims(AGENT).issuer("https://other-idp.example").build(), KEY), "iss");
        assertRefused(sign(claims(AGENT).audience("another-service").build(), KEY), "aud");
        assertRefused(sign(claims(AGENT).expirationTime(Date.from(Instant.now().minusSeconds(600))).build(), KEY),
                "expired");
        assertRefused(sign(claims(AGENT).build(), IMPOSTOR), "signature");
        assertRefused(sign(claims(AGENT).claim("agent_id", null).build(), KEY), "agent_id");
        assertRefused(sign(claims("Not A Valid Id").build(), KEY), "agent_id");
        assertRefused(new PlainJWT(claims(AGENT).build()).serialize(), "JWT refused");
    }

    private static void assertRefused(String token, String reason) {
        Http.Reply r = whoami(token);
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("UNAUTHENTICATED");
        assertThat(r.json().path("message").asText()).startsWith("JWT refused").containsIgnoringCase(reason);
    }
}
