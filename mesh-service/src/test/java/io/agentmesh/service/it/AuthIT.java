package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.proto.v1.AckRequest;
import io.agentmesh.proto.v1.ConnectRequest;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.proto.v1.HeartbeatRequest;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.proto.v1.OpenStream;
import io.agentmesh.proto.v1.RegisterRequest;
import io.agentmesh.proto.v1.RequestRequest;
import io.agentmesh.proto.v1.SendBatchRequest;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.proto.v1.SubscribeRequest;
import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.service.auth.HttpMethods;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Authentication and authorization on two secured nodes: every REST route and RPC (taken from what
 * the node serves) × every kind of caller against the access table of docs/security.md; agents
 * fenced to their own inbox and name; a revoked key refused at once on every node; operator
 * actions and refusals in the audit.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AuthIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(Secured.settings());
    static final MeshApp NODE2 = MESH.secondNode(Secured.settings());
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();
    static final DropwizardAppExtension<MeshConfiguration> APP2 = NODE2.extension();

    /** The kinds of caller of the matrix. */
    enum Who { ANONYMOUS, FORGED, SELF, OTHER_AGENT, OWNER, VIEWER, OPERATOR, ADMIN }

    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String A = "auth-a-" + RUN;
    private static final String B = "auth-b-" + RUN;
    private static final String OWNER_NAME = "team-" + RUN;
    private static final Map<Who, String> TOKENS = new java.util.EnumMap<>(Who.class);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void identities() {
        TOKENS.put(Who.ADMIN, Secured.ADMIN_TOKEN);
        TOKENS.put(Who.FORGED, "mka_" + "x".repeat(43));
        TOKENS.put(Who.OWNER, Secured.issue(MESH, OWNER_NAME, "owner"));
        TOKENS.put(Who.VIEWER, Secured.issue(MESH, "viewer-" + RUN, "viewer"));
        TOKENS.put(Who.OPERATOR, Secured.issue(MESH, "operator-" + RUN, "operator"));
        JsonNode a = Secured.register(MESH, TOKENS.get(Who.OWNER), A);
        assertThat(a.path("owner").asText()).isEqualTo(OWNER_NAME);
        assertThat(a.path("api_key").asText()).startsWith("mka_");
        TOKENS.put(Who.SELF, a.path("api_key").asText());
        TOKENS.put(Who.OTHER_AGENT, Secured.register(MESH, Secured.ADMIN_TOKEN, B).path("api_key").asText());
    }

    // ---- the matrix ----------------------------------------------------------------------------

    /** One row of the access table: "GET", "/api/v1/agents/{id}", "self or viewer". */
    record Rule(String method, String route, String rule) {
    }

    static List<Rule> documentedRules() throws IOException {
        Pattern row = Pattern.compile("^\\| (GET|POST|PUT|DELETE|gRPC) \\| `([^`]+)` \\| ([a-z ]+) \\|$");
        List<Rule> rules = new ArrayList<>();
        for (String line : Files.readAllLines(java.nio.file.Path.of("../docs/security.md"))) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                rules.add(new Rule(m.group(1), m.group(2), m.group(3)));
            }
        }
        return rules;
    }

    /** What the test expects of a rule, written out independently of the code that enforces it. */
    static boolean allowed(String rule, Who who) {
        Set<Who> yes = switch (rule) {
            case "public" -> EnumSet.allOf(Who.class);
            case "any" -> EnumSet.complementOf(EnumSet.of(Who.ANONYMOUS, Who.FORGED));
            case "send" -> EnumSet.of(Who.SELF, Who.OTHER_AGENT, Who.OPERATOR, Who.ADMIN);
            case "register" -> EnumSet.of(Who.SELF, Who.OTHER_AGENT, Who.OWNER, Who.OPERATOR, Who.ADMIN);
            case "self or viewer" -> EnumSet.of(Who.SELF, Who.VIEWER, Who.OPERATOR, Who.ADMIN);
            case "self or operator" -> EnumSet.of(Who.SELF, Who.OPERATOR, Who.ADMIN);
            case "manage" -> EnumSet.of(Who.SELF, Who.OWNER, Who.OPERATOR, Who.ADMIN);
            case "viewer" -> EnumSet.of(Who.VIEWER, Who.OPERATOR, Who.ADMIN);
            case "operator" -> EnumSet.of(Who.OPERATOR, Who.ADMIN);
            case "admin" -> EnumSet.of(Who.ADMIN);
            default -> throw new AssertionError("docs/security.md names an unknown rule '" + rule + "'");
        };
        return yes.contains(who);
    }

    /** Every REST route the node serves, "METHOD /path", from its Jersey resources. */
    static Set<String> servedRoutes() {
        Set<String> routes = new TreeSet<>();
        Set<Class<?>> types = new java.util.HashSet<>(APP.getEnvironment().jersey().getResourceConfig().getClasses());
        APP.getEnvironment().jersey().getResourceConfig().getInstances().forEach(i -> types.add(i.getClass()));
        for (Class<?> type : types) {
            if (!type.isAnnotationPresent(Path.class)) {
                continue;
            }
            for (Method m : type.getMethods()) {
                String http = HttpMethods.of(m);
                if (http != null) {
                    routes.add(http + " " + io.agentmesh.service.auth.AccessFeature.template(type, m));
                }
            }
        }
        routes.add("GET /metrics"); // the Prometheus servlet

        return routes;
    }

    @Test
    void everyServedRouteAndRpcHasARowInTheAccessTable() throws IOException {
        List<Rule> documented = documentedRules();
        Set<String> restRows = new TreeSet<>();
        Set<String> grpcRows = new TreeSet<>();
        documented.forEach(r -> (r.method().equals("gRPC") ? grpcRows : restRows).add(
                r.method().equals("gRPC") ? r.route() : r.method() + " " + r.route()));
        assertThat(restRows).as("REST rows of docs/security.md vs the routes the node serves")
                .containsExactlyInAnyOrderElementsOf(servedRoutes());
        assertThat(grpcRows).as("gRPC rows of docs/security.md vs the RPCs the node serves")
                .containsExactlyInAnyOrderElementsOf(servedRpcs().keySet());
    }

    @Test
    void everyRestRouteAnswersEveryKindOfCallerAsTheTableSays() throws Exception {
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Rule rule : documentedRules()) {
            if (rule.method().equals("gRPC")) {
                continue;
            }
            for (Who who : Who.values()) {
                int status;
                try {
                    status = call(rule, who);
                } catch (Exception e) {
                    throw new AssertionError(rule + " as " + who + ": " + e, e);
                }
                calls++;
                boolean ok = allowed(rule.rule(), who);
                int denied = who == Who.ANONYMOUS || who == Who.FORGED ? 401 : 403;
                if (ok ? (status == 401 || status == 403 || status == 500) : status != denied) {
                    wrong.add(rule.method() + " " + rule.route() + " (" + rule.rule() + ") as " + who + ": " + status
                            + (ok ? " (expected allowed)" : " (expected " + denied + ")"));
                }
                restoreAfter(rule, who, ok);
            }
        }
        assertThat(wrong).as("of %d calls", calls).isEmpty();
    }

    @Test
    void everyRpcAnswersEveryKindOfCallerAsTheTableSays() throws Exception {
        Map<String, String> rules = new LinkedHashMap<>();
        documentedRules().stream().filter(r -> r.method().equals("gRPC")).forEach(r -> rules.put(r.route(), r.rule()));
        List<String> wrong = new ArrayList<>();
        try (GrpcClient client = new GrpcClient(MESH.grpcPort())) {
            for (Map.Entry<String, MethodDescriptor<?, ?>> rpc : servedRpcs().entrySet()) {
                String rule = rules.get(rpc.getKey());
                for (Who who : Who.values()) {
                    Status.Code code = callRpc(client, rpc.getKey(), who);
                    boolean ok = allowed(rule, who);
                    Status.Code denied = who == Who.ANONYMOUS || who == Who.FORGED
                            ? Status.Code.UNAUTHENTICATED : Status.Code.PERMISSION_DENIED;
                    if (ok ? (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED
                            || code == Status.Code.UNKNOWN || code == Status.Code.INTERNAL) : code != denied) {
                        wrong.add(rpc.getKey() + " (" + rule + ") as " + who + ": " + code
                                + (ok ? " (expected allowed)" : " (expected " + denied + ")"));
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** Calls a route as {@code who}: the path names agent A ("self"), bodies are empty objects. */
    private static int call(Rule rule, Who who) throws Exception {
        String path = rule.route()
                .replace("/api/v1/messages/{id}", "/api/v1/messages/no-such-message")
                .replace("{id}", A).replace("{dlqId}", "no-such-dead-letter").replace("{credentialId}", "999999")
                .replace("{namespace}", "matrix-" + RUN).replace("{file}", "dashboard.js")
                .replace("{agentId}", A).replace("{taskId}", "no-such-task").replace("{configId}", "no-such-config")
                .replace("{name}", "no-such-tap");
        String query = rule.method().equals("GET") ? "?wait=0&limit=1" : "";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(MESH.url(path + query))).timeout(Duration.ofSeconds(20));
        b = switch (rule.method()) {
            case "GET" -> b.GET();
            case "DELETE" -> b.DELETE();
            default -> b.header("Content-Type", "application/json")
                    .method(rule.method(), HttpRequest.BodyPublishers.ofString("{}"));
        };
        Secured.auth(b, TOKENS.get(who));
        // the answer's status line is enough (an allowed SSE stream never ends)
        HttpRequest request = b.build();
        for (int attempt = 1; ; attempt++) {
            CompletableFuture<HttpResponse<InputStream>> answer = CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            try {
                HttpResponse<InputStream> r = answer.get(10, TimeUnit.SECONDS);
                r.body().close();
                return r.statusCode();
            } catch (java.util.concurrent.TimeoutException open) {
                // a refusal answers at once; an event stream that has not sent its first event yet was allowed
                answer.cancel(true);
                return 200;
            } catch (java.util.concurrent.ExecutionException e) {
                // the client reused a keep-alive connection the node had just closed (after a stream this
                // test cut off): nothing was read, so the request never reached the node; send it again once
                if (attempt > 1 || !(e.getCause() instanceof IOException io) || io.getMessage() == null
                        || !io.getMessage().contains("received no bytes")) {
                    throw e;
                }
            }
        }
    }

    /** Puts back what an allowed call changed that later calls stand on (agent A and its key, the drain). */
    private static void restoreAfter(Rule rule, Who who, boolean ok) {
        if (!ok) {
            return;
        }
        String call = rule.method() + " " + rule.route();
        if (call.equals("DELETE /api/v1/agents/{id}") || call.equals("POST /api/v1/agents/{id}/credentials/rotate")
                || call.equals("PUT /api/v1/agents/{id}")) {
            Secured.register(MESH, Secured.ADMIN_TOKEN, A);
            Http.Reply rotated = Secured.post(MESH.url("/api/v1/agents/" + A + "/credentials/rotate"), Secured.ADMIN_TOKEN, "");
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
            TOKENS.put(Who.SELF, rotated.json().path("api_key").asText());
        }
        if (call.equals("POST /api/v1/drain")) {
            assertThat(Secured.delete(MESH.url("/api/v1/drain"), Secured.ADMIN_TOKEN).status()).isEqualTo(200);
        }
    }

    static Map<String, MethodDescriptor<?, ?>> servedRpcs() {
        Map<String, MethodDescriptor<?, ?>> rpcs = new LinkedHashMap<>();
        for (var service : List.of(MeshServiceGrpc.getServiceDescriptor(), HealthGrpc.getServiceDescriptor(),
                ServerReflectionGrpc.getServiceDescriptor(), io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServiceDescriptor())) {
            service.getMethods().forEach(m -> rpcs.put(m.getFullMethodName(), m));
        }
        return rpcs;
    }

    private static Channel channel(GrpcClient client, Who who) {
        String token = TOKENS.get(who);
        if (token == null) {
            return client.channel();
        }
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return ClientInterceptors.intercept(client.channel(), MetadataUtils.newAttachHeadersInterceptor(md));
    }

    /** Calls an RPC as {@code who} about agent A; OK, or the status it failed with (DEADLINE_EXCEEDED: a stream stayed open). */
    private static Status.Code callRpc(GrpcClient client, String rpc, Who who) throws Exception {
        Channel ch = channel(client, who);
        var stub = MeshServiceGrpc.newBlockingStub(ch).withDeadlineAfter(3, SECONDS);
        try {
            switch (rpc.substring(rpc.indexOf('/') + 1)) {
                case "Register" -> stub.register(RegisterRequest.getDefaultInstance());
                case "Heartbeat" -> stub.heartbeat(HeartbeatRequest.newBuilder().setAgentId(A).build());
                case "Send" -> stub.send(SendRequest.getDefaultInstance());
                case "SendBatch" -> stub.sendBatch(SendBatchRequest.getDefaultInstance());
                case "SendStream" -> {
                    return sendStream(ch);
                }
                case "Request" -> stub.request(RequestRequest.getDefaultInstance());
                case "Subscribe" -> MeshServiceGrpc.newBlockingStub(ch).withDeadlineAfter(2, SECONDS)
                        .subscribe(SubscribeRequest.newBuilder().setAgentId(A).build()).hasNext();
                case "Ack" -> stub.ack(AckRequest.newBuilder().setAgentId(A).build());
                case "UpdateA2aTask" -> stub.updateA2aTask(io.agentmesh.proto.v1.UpdateA2aTaskRequest.newBuilder()
                        .setTaskId("no-such-task").setStatusJson("{\"state\":\"working\"}").build());
                case "Connect" -> {
                    return connect(ch, A);
                }
                case "Check" -> HealthGrpc.newBlockingStub(ch).withDeadlineAfter(3, SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance());
                case "Watch" -> HealthGrpc.newBlockingStub(ch).withDeadlineAfter(3, SECONDS)
                        .watch(HealthCheckRequest.getDefaultInstance()).next();
                case "ServerReflectionInfo" -> {
                    return rpc.startsWith("grpc.reflection.v1alpha.") ? reflectionV1alpha(ch) : reflection(ch);
                }
                default -> throw new AssertionError("no call written for " + rpc);
            }
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    /** The status of a stream's first answer: OK for a message or a clean end, else its error's code. */
    private static final class FirstAnswer<T> implements StreamObserver<T> {
        final CompletableFuture<Status.Code> code = new CompletableFuture<>();

        @Override
        public void onNext(T value) {
            code.complete(Status.Code.OK);
        }

        @Override
        public void onError(Throwable t) {
            code.complete(Status.fromThrowable(t).getCode());
        }

        @Override
        public void onCompleted() {
            code.complete(Status.Code.OK);
        }
    }

    /** Opens a Connect stream for {@code agent}: its first answer's status, DEADLINE_EXCEEDED while it stays open. */
    private static Status.Code connect(Channel ch, String agent) throws Exception {
        FirstAnswer<Delivery> answer = new FirstAnswer<>();
        StreamObserver<ConnectRequest> requests = MeshServiceGrpc.newStub(ch).connect(answer);
        requests.onNext(ConnectRequest.newBuilder().setOpen(OpenStream.newBuilder().setAgentId(agent).setCredit(1)).build());
        Status.Code code = answer.code.completeOnTimeout(Status.Code.DEADLINE_EXCEEDED, 2, SECONDS).get();
        requests.onError(Status.CANCELLED.asRuntimeException());
        return code;
    }

    /** Sends one empty message on a SendStream: the status of its first answer (a result, or the call's end). */
    private static Status.Code sendStream(Channel ch) throws Exception {
        FirstAnswer<io.agentmesh.proto.v1.SendResult> answer = new FirstAnswer<>();
        StreamObserver<SendRequest> requests = MeshServiceGrpc.newStub(ch).withDeadlineAfter(3, SECONDS).sendStream(answer);
        requests.onNext(SendRequest.getDefaultInstance());
        requests.onCompleted();
        return answer.code.get(5, SECONDS);
    }

    private static Status.Code reflection(Channel ch) throws Exception {
        FirstAnswer<ServerReflectionResponse> answer = new FirstAnswer<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(ch).withDeadlineAfter(3, SECONDS)
                .serverReflectionInfo(answer);
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        Status.Code code = answer.code.get(5, SECONDS);
        requests.onCompleted();
        return code;
    }

    @SuppressWarnings("deprecation")
    private static Status.Code reflectionV1alpha(Channel ch) throws Exception {
        FirstAnswer<io.grpc.reflection.v1alpha.ServerReflectionResponse> answer = new FirstAnswer<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests = io.grpc.reflection.v1alpha
                .ServerReflectionGrpc.newStub(ch).withDeadlineAfter(3, SECONDS).serverReflectionInfo(answer);
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("*").build());
        Status.Code code = answer.code.get(5, SECONDS);
        requests.onCompleted();
        return code;
    }

    // ---- agents fenced to themselves -----------------------------------------------------------

    @Test
    void anAgentReadsStreamsAndAcksOnlyItsOwnInbox() throws Exception {
        String a = TOKENS.get(Who.SELF);
        assertThat(Secured.get(MESH.url("/api/v1/agents/" + B + "/messages?wait=0"), a).status()).isEqualTo(403);
        assertThat(Secured.post(MESH.url("/api/v1/agents/" + B + "/messages/ack"), a, "{\"offsets\":{\"0\":1}}").status())
                .isEqualTo(403);
        HttpResponse<InputStream> stream = CLIENT.sendAsync(Secured.auth(HttpRequest.newBuilder(
                URI.create(MESH.url("/api/v1/agents/" + B + "/stream"))).GET(), a).build(),
                HttpResponse.BodyHandlers.ofInputStream()).get(10, SECONDS);
        stream.body().close();
        assertThat(stream.statusCode()).isEqualTo(403);
        Http.Reply refused = Secured.get(MESH.url("/api/v1/agents/" + B + "/messages?wait=0"), a);
        assertThat(refused.code()).isEqualTo("FORBIDDEN");
        assertThat(refused.json().path("message").asText()).contains("agent:" + A);

        try (GrpcClient client = new GrpcClient(MESH.grpcPort())) {
            Channel ch = channel(client, Who.SELF);
            var stub = MeshServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, SECONDS);
            assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> stub.subscribe(
                    SubscribeRequest.newBuilder().setAgentId(B).build()).hasNext()).getStatus().getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> stub.ack(
                    AckRequest.newBuilder().setAgentId(B).build())).getStatus().getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(connect(ch, B)).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
    }

    @Test
    void anAgentSendsOnlyAsItselfAndTheMeshStampsItsName() throws Exception {
        String a = TOKENS.get(Who.SELF);
        Http.Reply forged = Secured.post(MESH.url("/api/v1/messages"), a,
                "{\"to\":\"agent:" + B + "\",\"from\":\"" + B + "\",\"payload\":{\"n\":1}}");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.json().path("details").path("field").asText()).isEqualTo("from");
        Http.Reply batch = Secured.post(MESH.url("/api/v1/messages/batch"), a,
                "{\"messages\":[{\"to\":\"agent:" + B + "\",\"from\":\"" + B + "\",\"payload\":{}}]}");
        assertThat(batch.status()).isEqualTo(207);
        assertThat(batch.json().path("results").get(0).path("error").path("code").asText()).isEqualTo("FORBIDDEN");

        String id = "stamped-" + UUID.randomUUID();
        assertThat(Secured.post(MESH.url("/api/v1/messages"), a,
                "{\"to\":\"agent:" + B + "\",\"id\":\"" + id + "\",\"payload\":{\"n\":2}}").status()).isEqualTo(202);
        String b = TOKENS.get(Who.OTHER_AGENT);
        JsonNode got = await().atMost(30, SECONDS).until(() -> {
            for (JsonNode m : Secured.get(MESH.url("/api/v1/agents/" + B + "/messages?wait=1&max=100"), b).json()
                    .path("messages")) {
                if (m.path("id").asText().equals(id)) {
                    return m;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
        assertThat(got.path("from").asText()).isEqualTo(A);

        try (GrpcClient client = new GrpcClient(MESH.grpcPort())) {
            var stub = MeshServiceGrpc.newBlockingStub(channel(client, Who.SELF)).withDeadlineAfter(5, SECONDS);
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> stub.send(SendRequest
                    .newBuilder().setTo("agent:" + B).setFrom(B).setPayload(com.google.protobuf.ByteString.copyFromUtf8("{}"))
                    .build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
    }

    @Test
    void anAgentCannotReRegisterChangeOrDeregisterAnother() throws Exception {
        String a = TOKENS.get(Who.SELF);
        assertThat(Secured.post(MESH.url("/api/v1/agents"), a, "{\"id\":\"" + B + "\",\"name\":\"stolen\","
                + "\"endpoint\":\"https://attacker.example/hook\"}").status()).isEqualTo(403);
        assertThat(Secured.put(MESH.url("/api/v1/agents/" + B), a, "{\"name\":\"stolen\"}").status()).isEqualTo(403);
        assertThat(Secured.delete(MESH.url("/api/v1/agents/" + B), a).status()).isEqualTo(403);
        assertThat(Secured.post(MESH.url("/api/v1/agents/" + B + "/credentials/rotate"), a, "").status()).isEqualTo(403);
        try (GrpcClient client = new GrpcClient(MESH.grpcPort())) {
            var stub = MeshServiceGrpc.newBlockingStub(channel(client, Who.SELF)).withDeadlineAfter(5, SECONDS);
            assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> stub.register(RegisterRequest.newBuilder()
                    .setId(B).setName("stolen").build())).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        assertThat(Secured.get(MESH.url("/api/v1/agents/" + B), Secured.ADMIN_TOKEN).json().path("name").asText())
                .isEqualTo(B);

        // another owner can neither take A's id nor change A; its own agents are its own
        String otherOwner = Secured.issue(MESH, "other-team-" + RUN, "owner");
        assertThat(Secured.post(MESH.url("/api/v1/agents"), otherOwner, "{\"id\":\"" + A + "\",\"name\":\"x\"}").code())
                .isEqualTo("AGENT_ID_TAKEN");
        assertThat(Secured.delete(MESH.url("/api/v1/agents/" + A), otherOwner).status()).isEqualTo(403);
        assertThat(Secured.post(MESH.url("/api/v1/agents"), otherOwner, "{\"id\":\"c-" + RUN
                + "\",\"name\":\"c\",\"owner\":\"" + OWNER_NAME + "\"}").status()).as("naming another owner").isEqualTo(403);
    }

    // ---- namespace send policies ---------------------------------------------------------------

    private static String registerIn(String id, String namespace, String capability) {
        Http.Reply r = Secured.post(MESH.url("/api/v1/agents"), Secured.ADMIN_TOKEN, "{\"id\":\"" + id
                + "\",\"name\":\"" + id + "\",\"namespace\":\"" + namespace + "\",\"capabilities\":[\"" + capability + "\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("api_key").asText();
    }

    private static List<String> drain(String id, String key) {
        List<String> ids = new ArrayList<>();
        Secured.get(MESH.url("/api/v1/agents/" + id + "/messages?wait=1&max=100"), key).json().path("messages")
                .forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    @Test
    void agentsAddressOnlyWhatTheirNamespacePolicyAllows() {
        String home = "pol-a-" + RUN;
        String away = "pol-b-" + RUN;
        String skill = "translate-" + RUN;
        String sender = registerIn("pol-sender-" + RUN, home, "plan");
        String nearKey = registerIn("pol-near-" + RUN, home, skill);
        String farKey = registerIn("pol-far-" + RUN, away, skill);
        String url = MESH.url("/api/v1/messages");

        // the default: its own namespace only, no broadcast
        Http.Reply toFar = Secured.post(url, sender, "{\"to\":\"agent:pol-far-" + RUN + "\",\"payload\":{}}");
        assertThat(toFar.status()).as(toFar.body()).isEqualTo(403);
        assertThat(toFar.json().path("details").path("field").asText()).isEqualTo("to");
        assertThat(Secured.post(url, sender, "{\"to\":\"namespace:" + away + "\",\"payload\":{}}").status()).isEqualTo(403);
        assertThat(Secured.post(url, sender, "{\"to\":\"broadcast\",\"payload\":{}}").status()).isEqualTo(403);
        assertThat(Secured.post(url, sender, "{\"to\":\"capability:" + skill + "@" + away + "\",\"payload\":{}}")
                .status()).isEqualTo(403);
        assertThat(Secured.post(url, sender, "{\"to\":\"namespace:" + home + "\",\"payload\":{}}").status()).isEqualTo(202);
        // a capability not open mesh-wide stays inside the sender's namespace
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = "pol-cap-" + i + "-" + RUN;
            sent.add(id);
            assertThat(Secured.post(url, sender, "{\"to\":\"capability:" + skill + "\",\"id\":\"" + id
                    + "\",\"payload\":{}}").status()).isEqualTo(202);
        }
        List<String> near = new ArrayList<>();
        await().atMost(30, SECONDS).until(() -> {
            near.addAll(drain("pol-near-" + RUN, nearKey));
            return near.containsAll(sent);
        });
        assertThat(drain("pol-far-" + RUN, farKey)).doesNotContainAnyElementsOf(sent);

        // the admin opens the other namespace to it
        Http.Reply put = Secured.put(MESH.url("/api/v1/policies/" + home), Secured.ADMIN_TOKEN,
                "{\"namespaces\":[\"" + away + "\"],\"capabilities\":[],\"agents\":[],\"broadcast\":false}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().path("default").asBoolean()).isFalse();
        assertThat(Secured.post(url, sender, "{\"to\":\"agent:pol-far-" + RUN + "\",\"payload\":{}}").status())
                .isEqualTo(202);
        assertThat(Secured.put(MESH.url("/api/v1/policies/" + home), TOKENS.get(Who.OPERATOR), "{}").status())
                .as("policies are the admin's").isEqualTo(403);
        assertThat(Secured.put(MESH.url("/api/v1/policies/" + home), Secured.ADMIN_TOKEN, "{\"namespaces\":[\"Bad NS\"]}")
                .status()).isEqualTo(400);
        assertThat(Secured.get(MESH.url("/api/v1/policies/" + away), TOKENS.get(Who.VIEWER)).json().path("default")
                .asBoolean()).isTrue();
    }

    // ---- revocation --------------------------------------------------------------------------

    @Test
    void aRevokedKeyStopsWorkingAtOnceOnEveryNode() throws Exception {
        String id = "auth-r-" + RUN;
        String old = Secured.register(MESH, Secured.ADMIN_TOKEN, id).path("api_key").asText();
        String inbox = "/api/v1/agents/" + id + "/messages?wait=0";
        // both nodes know the key (and cache it)
        assertThat(Secured.get(MESH.url(inbox), old).status()).isEqualTo(200);
        assertThat(Secured.get(NODE2.url(inbox), old).status()).isEqualTo(200);

        // a stream opened with the key on the other node
        GrpcClient node2 = new GrpcClient(NODE2.grpcPort());
        CompletableFuture<Status.Code> streamEnd = new CompletableFuture<>();
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + old);
        MeshServiceGrpc.newStub(ClientInterceptors.intercept(node2.channel(), MetadataUtils.newAttachHeadersInterceptor(md)))
                .subscribe(SubscribeRequest.newBuilder().setAgentId(id).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(io.agentmesh.proto.v1.InboxMessage value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        streamEnd.complete(Status.fromThrowable(t).getCode());
                    }

                    @Override
                    public void onCompleted() {
                        streamEnd.complete(Status.Code.OK);
                    }
                });
        await().atMost(10, SECONDS).until(() -> streamEnd.isDone() || Secured.get(NODE2.url("/api/v1/connections/active"),
                Secured.ADMIN_TOKEN).json().findValues("grpc_subscribe_streams").stream().anyMatch(n -> n.asInt() >= 1));
        assertThat(streamEnd).as("the stream is open").isNotDone();
        // and a SendStream, open once its first message is answered
        CompletableFuture<io.agentmesh.proto.v1.SendResult> firstResult = new CompletableFuture<>();
        CompletableFuture<Status> sendEnd = new CompletableFuture<>();
        StreamObserver<SendRequest> sends = MeshServiceGrpc.newStub(ClientInterceptors.intercept(node2.channel(),
                MetadataUtils.newAttachHeadersInterceptor(md))).sendStream(new StreamObserver<>() {
                    @Override
                    public void onNext(io.agentmesh.proto.v1.SendResult value) {
                        firstResult.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        sendEnd.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        sendEnd.complete(Status.OK);
                    }
                });
        sends.onNext(SendRequest.newBuilder().setFrom(id).setTo("agent:" + id)
                .setPayload(com.google.protobuf.ByteString.copyFromUtf8("{}")).build());
        assertThat(firstResult.get(10, SECONDS).hasError()).as(firstResult.get().toString()).isFalse();

        Http.Reply rotated = Secured.post(MESH.url("/api/v1/agents/" + id + "/credentials/rotate"), old, "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        // the open stream ends on the other node too: a stolen key keeps nothing it had opened
        assertThat(streamEnd.get(5, SECONDS)).isNotNull();
        assertThat(sendEnd.get(5, SECONDS).getCode()).as("the SendStream ends too").isEqualTo(Status.Code.UNAUTHENTICATED);
        node2.close();
        String fresh = rotated.json().path("api_key").asText();
        assertThat(Secured.get(MESH.url(inbox), old).status()).isEqualTo(401);
        await().atMost(2, SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> Secured.get(NODE2.url(inbox), old).status() == 401);
        assertThat(Secured.get(NODE2.url(inbox), fresh).status()).isEqualTo(200);

        // an operator credential revoked by id; deregistering an agent revokes its keys
        String viewer = Secured.issue(MESH, "revoked-viewer-" + RUN, "viewer");
        assertThat(Secured.get(NODE2.url("/api/v1/queues/dlq"), viewer).status()).isEqualTo(200);
        long credentialId = findCredential("revoked-viewer-" + RUN);
        assertThat(Secured.delete(MESH.url("/api/v1/credentials/" + credentialId), Secured.ADMIN_TOKEN).status()).isEqualTo(200);
        await().atMost(2, SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> Secured.get(NODE2.url("/api/v1/queues/dlq"), viewer).status() == 401);

        assertThat(Secured.delete(NODE2.url("/api/v1/agents/" + id), fresh).status()).isEqualTo(200);
        await().atMost(2, SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> Secured.get(MESH.url("/api/v1/auth/whoami"), fresh).status() == 401);
    }

    private static long findCredential(String subject) {
        for (JsonNode c : Secured.get(MESH.url("/api/v1/credentials?kind=operator"), Secured.ADMIN_TOKEN).json()
                .path("credentials")) {
            if (c.path("subject").asText().equals(subject)) {
                return c.path("id").asLong();
            }
        }
        throw new AssertionError("no credential " + subject);
    }

    // ---- audit ---------------------------------------------------------------------------------

    @Test
    void operatorActionsAndRefusalsAreInTheAudit() {
        String operator = TOKENS.get(Who.OPERATOR);
        String actor = "operator:operator-" + RUN;
        assertThat(Secured.post(MESH.url("/api/v1/routing/cache/clear"), operator, "").status()).isEqualTo(200);
        // X-Mesh-Operator names nobody once callers authenticate
        Http.Reply replay = Http.send(Secured.auth(HttpRequest.newBuilder(URI.create(MESH.url("/api/v1/queues/dlq/retry")))
                .header("Content-Type", "application/json").header("X-Mesh-Operator", "mallory")
                .POST(HttpRequest.BodyPublishers.ofString("{\"filter\":{\"target\":\"agent:nobody-" + RUN + "\"}}")), operator));
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);
        assertThat(Secured.post(MESH.url("/api/v1/credentials"), operator, "{\"name\":\"x\",\"role\":\"admin\"}").status())
                .isEqualTo(403);

        await().atMost(10, SECONDS).until(() -> Secured.get(MESH.url("/api/v1/audit?actor=" + actor), Secured.ADMIN_TOKEN)
                .json().path("count").asInt() >= 3);
        JsonNode entries = Secured.get(MESH.url("/api/v1/audit?actor=" + actor), Secured.ADMIN_TOKEN).json().path("entries");
        List<String> seen = new ArrayList<>();
        entries.forEach(e -> seen.add(e.path("action").asText() + " " + e.path("outcome").asText()));
        assertThat(seen).contains("POST /api/v1/routing/cache/clear done", "POST /api/v1/queues/dlq/retry done",
                "POST /api/v1/credentials denied");
        // the DLQ replay's own record names the authenticated operator
        JsonNode replays = Secured.get(MESH.url("/api/v1/queues/dlq/replays"), operator).json().path("replays");
        List<String> requesters = new ArrayList<>();
        replays.forEach(r -> {
            if (r.path("request").toString().contains("nobody-" + RUN)) {
                requesters.add(r.path("requested_by").asText());
            }
        });
        assertThat(requesters).as(replays.toString()).containsExactly(actor);
        assertThat(Secured.get(MESH.url("/api/v1/audit"), operator).status()).isEqualTo(403);
        Http.Reply since = Secured.get(MESH.url("/api/v1/audit?since=not-a-time"), Secured.ADMIN_TOKEN);
        assertThat(since.status()).isEqualTo(400);
        Iterator<JsonNode> denied = Secured.get(MESH.url("/api/v1/audit?action=credentials&actor=" + actor),
                Secured.ADMIN_TOKEN).json().path("entries").elements();
        assertThat(denied.hasNext()).isTrue();
        assertThat(denied.next().path("status").asInt()).isEqualTo(403);
    }

    @Test
    void missingAndBadCredentialsAreRefusedWithTheUsualBody() {
        Http.Reply none = Http.get(MESH.url("/api/v1/agents"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("UNAUTHENTICATED");
        assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"agent-mesh\"");
        Http.Reply basic = Http.send(HttpRequest.newBuilder(URI.create(MESH.url("/api/v1/agents")))
                .header("Authorization", "Basic dXNlcjpwYXNz").GET());
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.json().path("message").asText()).contains("Bearer");
        assertThat(Secured.get(MESH.url("/api/v1/agents"), TOKENS.get(Who.FORGED)).json().path("message").asText())
                .contains("unknown or revoked");
        assertThat(Http.get(MESH.url("/health")).status()).isEqualTo(200);
        JsonNode me = Secured.get(MESH.url("/api/v1/auth/whoami"), TOKENS.get(Who.SELF)).json();
        assertThat(me.path("kind").asText()).isEqualTo("agent");
        assertThat(me.path("name").asText()).isEqualTo(A);
    }
}
