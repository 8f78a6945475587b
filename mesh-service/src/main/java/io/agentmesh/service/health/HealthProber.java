package io.agentmesh.service.health;

import io.agentmesh.service.errors.OutboundFailures;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One active check: GET the agent's health URL; any 2xx within the timeout is healthy. */
public final class HealthProber {

    private final HttpClient client;

    public HealthProber() {
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** Never fails: the future always completes with a result, within {@code timeout}. */
    public CompletableFuture<ProbeResult> probe(URI url, Duration timeout) {
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET()
                .header("User-Agent", "agent-mesh-health-monitor").build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    int ms = (int) ((System.nanoTime() - start) / 1_000_000);
                    if (error != null) {
                        return ProbeResult.failed(OutboundFailures.describe(error, timeout), ms);
                    }
                    int code = response.statusCode();
                    return code >= 200 && code < 300 ? ProbeResult.ok(ms) : ProbeResult.failed("HTTP " + code, ms);
                });
    }

    /**
     * Where an agent's health is checked: {@code metadata.health_url} when it registered one,
     * else {@code <endpoint>/health}; empty for agents without an endpoint.
     */
    public static java.util.Optional<URI> healthUrl(String endpoint, java.util.Map<String, Object> metadata) {
        if (metadata.get("health_url") instanceof String explicit) {
            try {
                URI uri = URI.create(explicit);
                if (uri.isAbsolute() && uri.getHost() != null && uri.getScheme().startsWith("http")) {
                    return java.util.Optional.of(uri);
                }
            } catch (IllegalArgumentException e) {
                // fall back to the endpoint
            }
        }
        if (endpoint == null) {
            return java.util.Optional.empty();
        }
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return java.util.Optional.of(URI.create(base + "/health"));
    }
}
