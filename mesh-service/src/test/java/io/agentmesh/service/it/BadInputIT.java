package io.agentmesh.service.it;

import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.RegisterRequest;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.proto.v1.SubscribeRequest;
import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.service.grpc.GrpcErrors;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/** Every kind of bad input gets its status and error body, and no topic changes. */
@ExtendWith(DropwizardExtensionsSupport.class)
class BadInputIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static Topics topics;
    private static GrpcClient grpc;
    private static String agent;

    @BeforeAll
    static void setUp() {
        topics = new Topics(TestInfra.get().bootstrapServers());
        grpc = new GrpcClient(MESH.grpcPort());
        agent = "b-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Reply r = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"B\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @AfterAll
    static void tearDown() throws Exception {
        grpc.close();
        topics.close();
    }

    record Case(String name, Supplier<Http.Reply> call, int status, String code) {
    }

    private static Case post(String name, String path, String contentType, String body, int status, String code) {
        return new Case(name, () -> Http.post(MESH.url(path), contentType, body), status, code);
    }

    private static List<Case> restCases() {
        String json = "application/json";
        String msgs = "/api/v1/messages";
        String agents = "/api/v1/agents";
        String big = "x".repeat(5000);
        List<Case> cases = new ArrayList<>(List.of(
                post("malformed JSON", msgs, json, "{\"to\": \"" + agent + "\", ", 400, "MALFORMED_JSON"),
                post("not JSON at all", msgs, json, "hello", 400, "MALFORMED_JSON"),
                post("wrong content type", msgs, "text/plain", "{\"to\":\"" + agent + "\",\"payload\":1}", 415, "UNSUPPORTED_MEDIA_TYPE"),
                post("empty body", msgs, json, "", 400, "INVALID_REQUEST"),
                post("missing to", msgs, json, "{\"payload\":{}}", 400, "INVALID_REQUEST"),
                post("missing payload", msgs, json, "{\"to\":\"" + agent + "\"}", 400, "INVALID_REQUEST"),
                post("null payload", msgs, json, "{\"to\":\"" + agent + "\",\"payload\":null}", 400, "INVALID_REQUEST"),
                post("to of the wrong type", msgs, json, "{\"to\":5,\"payload\":{}}", 400, "MALFORMED_JSON"),
                post("unknown field", msgs, json, "{\"to\":\"" + agent + "\",\"payload\":{},\"priority\":1}", 400, "MALFORMED_JSON"),
                post("unknown target syntax", msgs, json, "{\"to\":\"smoke:" + agent + "\",\"payload\":{}}", 400, "INVALID_TARGET"),
                post("target id that cannot be a topic", msgs, json, "{\"to\":\"agent:Bad_Id\",\"payload\":{}}", 400, "INVALID_TARGET"),
                post("unknown agent", msgs, json, "{\"to\":\"agent:nobody-" + UUID.randomUUID() + "\",\"payload\":{}}", 404, "UNKNOWN_TARGET"),
                post("unknown strategy", msgs, json, "{\"to\":\"capability:chat\",\"payload\":{},\"strategy\":\"random\"}", 400, "INVALID_REQUEST"),
                post("max_attempts out of range", msgs, json, "{\"to\":\"capability:chat\",\"payload\":{},\"max_attempts\":0}", 400, "INVALID_REQUEST"),
                post("retry_delay_ms out of range", msgs, json, "{\"to\":\"capability:chat\",\"payload\":{},\"retry_delay_ms\":1}", 400, "INVALID_REQUEST"),
                post("expires_at not a time", msgs, json, "{\"to\":\"" + agent + "\",\"payload\":{},\"expires_at\":\"soon\"}", 400, "INVALID_REQUEST"),
                post("bad capability target", msgs, json, "{\"to\":\"capability:Not Valid\",\"payload\":{}}", 400, "INVALID_TARGET"),
                post("bad message id", msgs, json, "{\"to\":\"" + agent + "\",\"payload\":{},\"id\":\"has space\"}", 400, "INVALID_REQUEST"),
                post("bad sender id", msgs, json, "{\"to\":\"" + agent + "\",\"payload\":{},\"from\":\"A B\"}", 400, "INVALID_REQUEST"),
                post("payload over the limit", msgs, json, "{\"to\":\"" + agent + "\",\"payload\":\"" + big + "\"}", 413, "PAYLOAD_TOO_LARGE"),
                post("body far over the limit", msgs, json, "{\"to\":\"" + agent + "\",\"payload\":\"" + "y".repeat(200_000) + "\"}", 413, "PAYLOAD_TOO_LARGE"),
                post("cloudevent without specversion", msgs, "application/cloudevents+json",
                        "{\"id\":\"1\",\"source\":\"x\",\"type\":\"t\",\"meshto\":\"" + agent + "\"}", 400, "MALFORMED_CLOUDEVENT"),
                post("cloudevent of specversion 0.3", msgs, "application/cloudevents+json",
                        "{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"x\",\"type\":\"t\",\"meshto\":\"" + agent
                                + "\",\"data\":{}}", 400, "MALFORMED_CLOUDEVENT"),
                post("cloudevent claiming JSON data that is not", msgs, "application/cloudevents+json",
                        "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"x\",\"type\":\"t\",\"meshto\":\"" + agent
                                + "\",\"datacontenttype\":\"application/json\",\"data_base64\":\"e25vdCBqc29u\"}", 400,
                        "INVALID_REQUEST"),
                post("max_attempts a fraction", msgs, json, "{\"to\":\"capability:chat\",\"payload\":{},\"max_attempts\":2.7}",
                        400, "MALFORMED_JSON"),
                post("retry_delay_ms a fraction", msgs, json, "{\"to\":\"capability:chat\",\"payload\":{},\"retry_delay_ms\":100.5}",
                        400, "MALFORMED_JSON"),
                post("register: heartbeat_ttl_ms a fraction", agents, json, "{\"name\":\"x\",\"heartbeat_ttl_ms\":1500.9}",
                        400, "MALFORMED_JSON"),
                post("ack: a fractional offset", "/api/v1/agents/" + agent + "/messages/ack", json, "{\"offsets\":{\"0\":3.5}}",
                        400, "MALFORMED_JSON"),
                new Case("path far too long", () -> Http.get(MESH.url("/api/v1/agents/" + "a".repeat(20_000))), 414,
                        "INVALID_REQUEST"),
                new Case("encoded dot-dot in the path", () -> Http.get(MESH.url("/api/v1/agents/%2e%2e/messages")), 400,
                        "INVALID_REQUEST"),
                new Case("encoded slash in the path", () -> Http.get(MESH.url("/api/v1/agents/a%2Fb")), 400, "INVALID_REQUEST"),
                post("cloudevent without meshto", msgs, "application/cloudevents+json",
                        "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"x\",\"type\":\"t\",\"data\":{}}", 400, "INVALID_REQUEST"),
                // strings Postgres cannot store (NUL): the caller's 400, before anything is written
                new Case("health override: NUL in the reason", () -> Http.put(MESH.url(agents + "/" + agent + "/health"),
                        "{\"status\":\"healthy\",\"reason\":\"a\\u0000b\"}"), 400, "INVALID_REQUEST"),
                new Case("audit: NUL in the actor", () -> Http.get(MESH.url("/api/v1/audit?actor=a%00b")), 400,
                        "INVALID_REQUEST"),
                post("dlq retry: NUL in filter.from", "/api/v1/queues/dlq/retry", json,
                        "{\"filter\":{\"from\":\"a\\u0000b\"}}", 400, "INVALID_REQUEST"),
                post("tap: NUL in a redacted field (no tap topic made)", "/api/v1/taps", json,
                        "{\"name\":\"nul-tap\",\"payload\":{\"mode\":\"redact\",\"fields\":[\"a\\u0000b\"]}}", 400,
                        "INVALID_REQUEST"),
                post("register: NUL in metadata", agents, json, "{\"name\":\"x\",\"metadata\":{\"k\":\"\\u0000\"}}", 400,
                        "INVALID_REQUEST"),
                post("register: illegal id", agents, json, "{\"id\":\"Bad_Id\",\"name\":\"x\"}", 400, "INVALID_REQUEST"),
                post("register: id too long", agents, json, "{\"id\":\"" + "a".repeat(65) + "\",\"name\":\"x\"}", 400, "INVALID_REQUEST"),
                post("register: missing name", agents, json, "{\"id\":\"fine-id\"}", 400, "INVALID_REQUEST"),
                post("register: blank name", agents, json, "{\"name\":\"  \"}", 400, "INVALID_REQUEST"),
                post("register: capabilities not a list", agents, json, "{\"name\":\"x\",\"capabilities\":\"chat\"}", 400, "MALFORMED_JSON"),
                post("register: bad capability", agents, json, "{\"name\":\"x\",\"capabilities\":[\"Chat Bot\"]}", 400, "INVALID_REQUEST"),
                post("register: non-URL endpoint", agents, json, "{\"name\":\"x\",\"endpoint\":\"not a url\"}", 400, "INVALID_REQUEST"),
                post("register: ftp endpoint", agents, json, "{\"name\":\"x\",\"endpoint\":\"ftp://h/x\"}", 400, "INVALID_REQUEST"),
                post("register: name of the wrong type", agents, json, "{\"name\":42}", 400, "MALFORMED_JSON"),
                post("ack: no offsets", "/api/v1/agents/" + agent + "/messages/ack", json, "{}", 400, "INVALID_REQUEST"),
                post("ack: beyond the end", "/api/v1/agents/" + agent + "/messages/ack", json, "{\"offsets\":{\"0\":999}}", 400, "INVALID_REQUEST"),
                post("ack: no such partition", "/api/v1/agents/" + agent + "/messages/ack", json, "{\"offsets\":{\"7\":0}}", 400, "INVALID_REQUEST"),
                new Case("poll: bad max", () -> Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?max=lots")), 400, "INVALID_REQUEST"),
                new Case("poll: wait too long", () -> Http.get(MESH.url("/api/v1/agents/" + agent + "/messages?wait=3600")), 400, "INVALID_REQUEST"),
                new Case("poll: unknown agent", () -> Http.get(MESH.url("/api/v1/agents/nobody-x/messages")), 404, "AGENT_NOT_FOUND"),
                new Case("get: illegal id", () -> Http.get(MESH.url("/api/v1/agents/Bad_Id")), 400, "INVALID_REQUEST"),
                new Case("get: unknown agent", () -> Http.get(MESH.url("/api/v1/agents/nobody-y")), 404, "AGENT_NOT_FOUND"),
                new Case("list: bad limit", () -> Http.get(MESH.url("/api/v1/agents?limit=0")), 400, "INVALID_REQUEST"),
                new Case("delete: unknown agent", () -> Http.delete(MESH.url("/api/v1/agents/nobody-z")), 404, "AGENT_NOT_FOUND"),
                new Case("unknown path", () -> Http.get(MESH.url("/api/v1/nothing-here")), 404, "NOT_FOUND"),
                new Case("wrong method", () -> Http.send(HttpRequest.newBuilder(URI.create(MESH.url("/api/v1/messages")))
                        .PUT(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", json)), 405, "METHOD_NOT_ALLOWED"),
                new Case("chunked body over the limit", () -> Http.send(HttpRequest.newBuilder(URI.create(MESH.url(msgs)))
                        .header("Content-Type", json)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                                ("{\"to\":\"" + agent + "\",\"payload\":\"" + "z".repeat(300_000) + "\"}").getBytes())))),
                        413, "PAYLOAD_TOO_LARGE")));
        return cases;
    }

    @Test
    void everyBadRestRequestGetsItsStatusAndErrorBodyAndChangesNoTopic() throws Exception {
        Map<String, Long> before = topics.endOffsets(MESH.prefix() + ".");
        Set<String> topicsBefore = topics.names(MESH.prefix() + ".");

        assertSoftly(soft -> {
            for (Case c : restCases()) {
                Http.Reply r = c.call().get();
                soft.assertThat(r.status()).as(c.name() + ": " + r.body()).isEqualTo(c.status());
                soft.assertThat(r.code()).as(c.name() + ": " + r.body()).isEqualTo(c.code());
                soft.assertThat(r.json().path("message").asText()).as(c.name()).isNotBlank();
                soft.assertThat(r.json().has("details")).as(c.name()).isTrue();
                // messages are for clients: no Java type names or library hints
                soft.assertThat(r.json().path("message").asText()).as(c.name())
                        .doesNotContain("io.agentmesh", "java.", "Coercion", "Feature", "`");
            }
        });

        assertThat(topics.endOffsets(MESH.prefix() + ".")).isEqualTo(before);
        assertThat(topics.names(MESH.prefix() + ".")).isEqualTo(topicsBefore);
    }

    @Test
    void everyBadGrpcCallGetsItsStatusAndChangesNoTopic() throws Exception {
        Map<String, Long> before = topics.endOffsets(MESH.prefix() + ".");
        byte[] big = new byte[5000];

        expect(Status.Code.INVALID_ARGUMENT, "INVALID_TARGET", () -> grpc.blocking().send(SendRequest.newBuilder()
                .setTo("smoke:" + agent).setPayload(ByteString.copyFromUtf8("{}")).build()));
        expect(Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST", () -> grpc.blocking().send(SendRequest.newBuilder()
                .setPayload(ByteString.copyFromUtf8("{}")).build()));
        expect(Status.Code.NOT_FOUND, "UNKNOWN_TARGET", () -> grpc.blocking().send(SendRequest.newBuilder()
                .setTo("agent:nobody-q").setPayload(ByteString.copyFromUtf8("{}")).build()));
        expect(Status.Code.RESOURCE_EXHAUSTED, "PAYLOAD_TOO_LARGE", () -> grpc.blocking().send(SendRequest.newBuilder()
                .setTo(agent).setPayload(ByteString.copyFrom(big)).build()));
        expect(Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST", () -> grpc.blocking().register(RegisterRequest.newBuilder()
                .setId("Bad_Id").setName("x").build()));
        expect(Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST", () -> grpc.blocking().register(RegisterRequest.newBuilder()
                .setId("good-id-" + UUID.randomUUID().toString().substring(0, 4)).build()));
        expect(Status.Code.NOT_FOUND, "AGENT_NOT_FOUND", () -> grpc.blocking()
                .subscribe(SubscribeRequest.newBuilder().setAgentId("nobody-s").build()).hasNext());
        expect(Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST", () -> grpc.blocking()
                .subscribe(SubscribeRequest.newBuilder().setAgentId("Bad Id").build()).hasNext());

        assertThat(topics.endOffsets(MESH.prefix() + ".")).isEqualTo(before);
    }

    private static void expect(Status.Code status, String meshCode, Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.getTrailers().get(GrpcErrors.ERROR_CODE)).as(e.getMessage()).isEqualTo(meshCode);
            assertThat(e.getStatus().getDescription()).isNotBlank();
            // the standard rich status (grpc-status-details-bin), as a stock client reads it
            com.google.rpc.Status rich = io.grpc.protobuf.StatusProto.fromThrowable(e);
            assertThat(rich).as("grpc-status-details-bin").isNotNull();
            assertThat(rich.getCode()).isEqualTo(status.value());
            assertThat(rich.getMessage()).isEqualTo(e.getStatus().getDescription());
            com.google.rpc.ErrorInfo info;
            try {
                info = rich.getDetails(0).unpack(com.google.rpc.ErrorInfo.class);
            } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new AssertionError(x);
            }
            assertThat(info.getReason()).isEqualTo(meshCode);
            assertThat(info.getDomain()).isEqualTo(GrpcErrors.DOMAIN);
        });
    }
}
