package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The mesh's REST API for the CLI: JSON in, JSON out, failures as {@link CliFailure}. */
final class MeshClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http;
    private final Duration timeout;

    private final Map<String, String> headers = new LinkedHashMap<>();

    private final Tokens.Found token;

    MeshClient(String base, Duration timeout, Tokens.Found token) {
        this.base = requireUrl(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.timeout = timeout;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        if (token.value() != null) {
            headers.put("Authorization", "Bearer " + token.value());
        }
    }

    /** A bad --url is a usage error (exit 2), found before anything is sent. */
    private static String requireUrl(String base) {
        try {
            URI uri = new URI(base);
            if (uri.isAbsolute() && uri.getHost() != null
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                return base;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw new CliFailure(CliFailure.USAGE, "--url: '" + base + "' is not an http(s) URL such as http://localhost:3005");
    }

    /** Sends this header with every request (e.g. X-Mesh-Operator). */
    MeshClient header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    JsonNode get(String path, Map<String, String> query) {
        return send(HttpRequest.newBuilder(uri(path, query)).GET());
    }

    JsonNode post(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path, Map.of())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    /**
     * POST to an operation that reports progress as NDJSON: {@code onProgress} gets each
     * {@code progress} object as it comes; returns the {@code result}, throws on an {@code error}.
     */
    JsonNode postWithProgress(String path, Object body, java.util.function.Consumer<JsonNode> onProgress) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path, Map.of())).header("Content-Type", "application/json")
                .header("Accept", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(json(body)));
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        HttpResponse<java.util.stream.Stream<String>> r = exchange(request, HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() >= 400) {
            String text = r.body().collect(Collectors.joining("\n"));
            throw failure(r.statusCode(), parse(r.statusCode(), text));
        }
        JsonNode[] result = {null};
        r.body().filter(l -> !l.isBlank()).forEach(line -> {
            JsonNode n = parse(r.statusCode(), line);
            if (n.has("progress")) {
                onProgress.accept(n.path("progress"));
            } else if (n.has("error")) {
                JsonNode e = n.path("error");
                throw failure(e.path("status").asInt(500), e);
            } else if (n.has("result")) {
                result[0] = n.path("result");
            }
        });
        if (result[0] == null) {
            throw new CliFailure(CliFailure.MESH_ERROR, "the mesh ended the answer before the result (node stopped?)");
        }
        return result[0];
    }

    /** GET of an NDJSON stream: every line to {@code onLine} as it arrives; returns how many there were. */
    long getLines(String path, Map<String, String> query, java.util.function.Consumer<String> onLine) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path, query)).header("Accept", "application/x-ndjson").GET();
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        HttpResponse<java.util.stream.Stream<String>> r = exchange(request, HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() >= 400) {
            throw failure(r.statusCode(), parse(r.statusCode(), r.body().collect(Collectors.joining("\n"))));
        }
        long[] n = {0};
        r.body().filter(l -> !l.isBlank()).forEach(l -> {
            n[0]++;
            onLine.accept(l);
        });
        return n[0];
    }

    /** One request; an unreachable mesh is a {@link CliFailure} (exit 3). */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.UNREACHABLE, "cannot reach the mesh at " + base + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.UNREACHABLE, "interrupted");
        }
    }

    private static JsonNode parse(int status, String text) {
        try {
            return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.MESH_ERROR, "HTTP " + status + " with a body that is not JSON");
        }
    }

    private CliFailure failure(int status, JsonNode body) {
        String code = body.path("code").asText("HTTP_" + status);
        String hint = switch (status) {
            case 401 -> token.value() == null
                    ? " (no token sent: pass --token, set $MESH_TOKEN, or put it in $MESH_TOKEN_FILE or ~/.mesh/token)"
                    : " (the token from " + token.source() + " was refused)";
            case 403 -> " (the token from " + token.source() + " is valid but lacks the right for this)";
            default -> "";
        };
        return new CliFailure(CliFailure.MESH_ERROR, status + " " + code + ": " + body.path("message").asText("") + hint, body);
    }

    JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(uri(path, Map.of())).DELETE());
    }

    static Map<String, String> query(String... keyValues) {
        Map<String, String> q = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                q.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return q;
    }

    private URI uri(String path, Map<String, String> query) {
        String q = query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            return URI.create(base + path + (q.isEmpty() ? "" : "?" + q));
        } catch (IllegalArgumentException e) {
            throw new CliFailure(CliFailure.USAGE, "'" + base + "' is not a usable mesh URL");
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        headers.forEach(request::header);
        HttpResponse<String> r = exchange(request.timeout(timeout).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = parse(r.statusCode(), r.body());
        if (r.statusCode() >= 400) {
            throw failure(r.statusCode(), body);
        }
        return body;
    }

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
