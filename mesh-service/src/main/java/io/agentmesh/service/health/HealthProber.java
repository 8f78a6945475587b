package io.agentmesh.service.health;

import io.agentmesh.service.common.OutboundGuard;
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
    private final OutboundGuard guard;

    public HealthProber(OutboundGuard guard) {
        this.guard = guard;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** Never fails: the future always completes with a result, within {@code timeout}. */
    public CompletableFuture<ProbeResult> probe(URI url, Duration timeout) {
        long start = System.nanoTime();
        java.util.Optional<String> refused = guard.refusal(url);
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(ProbeResult.failed("health URL refused: " + refused.get(), 0));
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET()
                .header("User-Agent", "agent-mesh-health-monitor").build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    int ms = (int) ((System.nanoTime() - start) / 1_000_000);
                    if (error != null) {
                        return ProbeResult.failed(OutboundFailures.describe(error, timeout, url), ms);
                    }
                    int code = response.statusCode();
                    return code >= 200 && code < 300 ? ProbeResult.ok(ms) : ProbeResult.failed("HTTP " + code, ms);
                });
    }

    /**
     * Where an agent's health is checked: the {@code health_url} it registered; empty for an agent
     * without one (it is judged by being seen: heartbeats, reading its inbox, answering pushes).
     * Nothing is guessed from its push endpoint.
     */
    public static java.util.Optional<URI> healthUrl(String registered) {
        if (registered == null || registered.isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(URI.create(registered));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
