package io.agentmesh.tools.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JSON over HTTP/1.1 keep-alive to one mesh node, for the harnesses. */
public final class MeshHttp {

    public record Reply(int status, String body) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient client;
    private final Duration timeout;
    private final String token;

    public MeshHttp(String baseUrl, Duration timeout) {
        this(baseUrl, timeout, null);
    }

    /** Every request carries {@code Authorization: Bearer <token>} (null: none). */
    public MeshHttp(String baseUrl, Duration timeout, String token) {
        this(baseUrl, timeout, token, null);
    }

    /** {@code tls}: the TLS context for an https base URL (null: the JVM's default). */
    public MeshHttp(String baseUrl, Duration timeout, String token, javax.net.ssl.SSLContext tls) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.timeout = timeout;
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.client = b.build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout).GET().build());
    }

    public Reply post(String path, String json) throws IOException, InterruptedException {
        return post(path, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Reply post(String path, byte[] json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build());
    }

    public Reply delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout).DELETE().build());
    }

    private Reply send(HttpRequest request) throws IOException, InterruptedException {
        if (token != null) {
            request = HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", "Bearer " + token).build();
        }
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    /** True when GET /health answers 200 within the timeout. */
    public boolean healthy() {
        try {
            return get("/health").status() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
