package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * The mesh speaks its ecosystem's formats: problem details (RFC 9457) for every REST error, gRPC
 * server reflection on v1 and v1alpha, and a /metrics that {@code promtool check metrics} finds
 * nothing wrong with.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class StandardsIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    @Test
    void everyKindOfRestErrorIsProblemDetails() {
        List<Object[]> cases = List.of(
                // a MeshException from a resource
                new Object[]{Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"smoke:x\",\"payload\":{}}"), 400,
                        "INVALID_TARGET", "/api/v1/messages"},
                // malformed JSON (Jackson)
                new Object[]{Http.post(MESH.url("/api/v1/agents"), "{nope"), 400, "MALFORMED_JSON", "/api/v1/agents"},
                // Jersey's own refusals
                new Object[]{Http.get(MESH.url("/api/v1/nothing-here")), 404, "NOT_FOUND", "/api/v1/nothing-here"},
                new Object[]{Http.post(MESH.url("/api/v1/agents"), "text/plain", "x"), 415, "UNSUPPORTED_MEDIA_TYPE",
                        "/api/v1/agents"},
                new Object[]{Http.get(MESH.url("/api/v1/agents/nobody-" + System.nanoTime())), 404, "AGENT_NOT_FOUND", null});
        assertSoftly(soft -> {
            for (Object[] c : cases) {
                Http.Reply r = (Http.Reply) c[0];
                String what = c[2] + " -> " + r.body();
                soft.assertThat(r.status()).as(what).isEqualTo(c[1]);
                soft.assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).as(what)
                        .startsWith("application/problem+json");
                JsonNode body = r.json();
                soft.assertThat(body.path("type").asText()).as(what).isEqualTo("tag:agentmesh.io,2026:error:" + c[2]);
                soft.assertThat(body.path("title").asText()).as(what).isNotBlank();
                soft.assertThat(body.path("status").asInt()).as(what).isEqualTo(c[1]);
                soft.assertThat(body.path("detail").asText()).as(what).isNotBlank();
                soft.assertThat(body.path("instance").asText()).as(what).startsWith("/api/v1/");
                if (c[3] != null) {
                    soft.assertThat(body.path("instance").asText()).as(what).isEqualTo(c[3]);
                }
                // the members clients of earlier versions read
                soft.assertThat(body.path("code").asText()).as(what).isEqualTo(c[2]);
                soft.assertThat(body.path("message").asText()).as(what).isEqualTo(body.path("detail").asText());
            }
        });
        // Jetty's own refusals, before the API
        Http.Reply longPath = Http.get(MESH.url("/api/v1/" + "x".repeat(20_000)));
        assertThat(longPath.status()).isGreaterThanOrEqualTo(400);
        assertThat(longPath.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    @Test
    void serverReflectionAnswersOnV1AndV1alpha() throws Exception {
        try (GrpcClient grpc = new GrpcClient(MESH.grpcPort())) {
            CompletableFuture<List<String>> v1 = new CompletableFuture<>();
            var v1Requests = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(grpc.channel())
                    .serverReflectionInfo(collect(v1, r -> r.getListServicesResponse().getServiceList().stream()
                            .map(io.grpc.reflection.v1.ServiceResponse::getName).toList()));
            v1Requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
            v1Requests.onCompleted();
            assertThat(v1.get(10, TimeUnit.SECONDS)).contains("mesh.v1.MeshService", "grpc.health.v1.Health",
                    "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

            CompletableFuture<List<String>> v1alpha = new CompletableFuture<>();
            @SuppressWarnings("deprecation")
            var alphaRequests = io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(grpc.channel())
                    .serverReflectionInfo(collect(v1alpha, r -> r.getListServicesResponse().getServiceList().stream()
                            .map(io.grpc.reflection.v1alpha.ServiceResponse::getName).toList()));
            alphaRequests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
            alphaRequests.onCompleted();
            assertThat(v1alpha.get(10, TimeUnit.SECONDS)).contains("mesh.v1.MeshService");
        }
    }

    private static <T> StreamObserver<T> collect(CompletableFuture<List<String>> out, java.util.function.Function<T, List<String>> names) {
        List<String> all = new ArrayList<>();
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                all.addAll(names.apply(value));
            }

            @Override
            public void onError(Throwable t) {
                out.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                out.complete(all);
            }
        };
    }

    @Test
    void promtoolFindsNothingWrongWithTheMetrics() throws Exception {
        // traffic first, so the labelled series exist
        Http.post(MESH.url("/api/v1/agents"), "{\"name\":\"metrics\"}");
        Http.get(MESH.url("/api/v1/discover"));
        try (GrpcClient grpc = new GrpcClient(MESH.grpcPort())) {
            io.grpc.health.v1.HealthGrpc.newBlockingStub(grpc.channel())
                    .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
        }
        String metrics = Http.get(MESH.url("/metrics")).body();
        Path file = Files.createTempFile("mesh-metrics", ".txt");
        Files.writeString(file, metrics);
        Process p = new ProcessBuilder("sh", "-c", "promtool check metrics < " + file).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("promtool check metrics").isEmpty();
        assertThat(p.exitValue()).isZero();
        // one name per measurement: routing latency only as the runbook's histogram (KafkaDownIT checks
        // that unreadable gauges are absent)
        assertThat(metrics).doesNotContain("mesh_routing_latency").contains("mesh_message_latency_seconds_bucket");
    }

    /** Every endpoint in the README's REST table, as METHOD and path template with parameter names blanked. */
    static java.util.Set<String> readmeEndpoints() throws Exception {
        java.util.regex.Pattern token = java.util.regex.Pattern.compile(
                "`((?:(?:GET|POST|PUT|DELETE|PATCH) )?/[^`\\s?]*)[^`]*`|`(GET|POST|PUT|DELETE|PATCH)`");
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String line : Files.readAllLines(Path.of("../README.md"))) {
            if (!line.matches("^\\| `(GET|POST|PUT|DELETE|PATCH) /.*")) {
                continue;
            }
            String cell = line.substring(1, line.indexOf(" | ", 1) < 0 ? line.length() : line.indexOf(" | ", 1));
            java.util.regex.Matcher m = token.matcher(cell);
            List<String> pending = new ArrayList<>();
            String last = null;
            while (m.find()) {
                if (m.group(2) != null) {
                    pending.add(m.group(2));
                    continue;
                }
                String tok = m.group(1);
                String method = tok.startsWith("/") ? last : tok.substring(0, tok.indexOf(' '));
                String path = tok.startsWith("/") ? tok : tok.substring(tok.indexOf(' ') + 1);
                pending.add(method);
                for (String each : pending) {
                    out.add(each + " " + blank(path));
                }
                pending.clear();
                last = method;
            }
        }
        return out;
    }

    static String blank(String template) {
        return template.replaceAll("\\{[^}]*\\}", "{}");
    }

    @Test
    void theOpenApiDocumentDescribesEveryEndpointOfTheReadme() throws Exception {
        Http.Reply r = Http.get(MESH.url("/openapi.json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.path("components").path("schemas").has("Problem")).isTrue();
        java.util.Set<String> described = new java.util.TreeSet<>();
        List<String> incomplete = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
            String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
            if (!List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
                return;
            }
            String id = method + " " + blank(p.getKey());
            described.add(id);
            JsonNode responses = op.getValue().path("responses");
            if (!responses.has("4XX") || !responses.path("4XX").path("content").has("application/problem+json")) {
                incomplete.add(id + " (no problem-details errors)");
            }
            boolean success = false;
            for (var it = responses.fieldNames(); it.hasNext(); ) {
                String code = it.next();
                success |= code.startsWith("2") || code.equals("default");
            }
            if (!success) {
                incomplete.add(id + " (no success response)");
            }
        }));
        java.util.Set<String> readme = readmeEndpoints();
        assertThat(readme).as("the README's endpoints were read").hasSizeGreaterThan(60);
        assertThat(described).as("endpoints of the README missing from /openapi.json").containsAll(readme);
        assertThat(incomplete).isEmpty();
        // a request body has a schema with the fields the API reads
        JsonNode send = doc.path("paths").path("/api/v1/messages").path("post").path("requestBody").path("content");
        assertThat(send.toString()).contains("application/json");
    }
}
