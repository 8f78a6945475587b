package io.agentmesh.service.delivery.push;

import io.agentmesh.service.common.OutboundGuard;
import io.agentmesh.service.errors.OutboundFailures;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.service.delivery.InboxRecord;
import org.apache.kafka.common.header.Header;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs one inbox record to an agent's endpoint as a CloudEvents HTTP request in binary mode: the
 * Kafka {@code ce_*} headers become {@code ce-*} HTTP headers, {@code content-type} the
 * Content-Type, the record value the body. 2xx = delivered; 4xx = the agent rejects it; anything
 * else (5xx, timeout, refused connection) = failed, worth retrying.
 */
public final class PushClient {

    public enum Outcome { DELIVERED, REJECTED, FAILED }

    public record Result(Outcome outcome, String detail) {
    }

    // plain HTTP/1.1: receivers need not speak HTTP/2 (no h2c upgrade headers)
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final OutboundGuard guard;

    public PushClient(OutboundGuard guard) {
        this.guard = guard;
    }

    public Result post(URI endpoint, InboxRecord record, Duration timeout) {
        // checked on every connection: the host's DNS may point somewhere else since registration
        java.util.Optional<String> refused = guard.refusal(endpoint);
        if (refused.isPresent()) {
            return new Result(Outcome.REJECTED, "endpoint refused: " + refused.get());
        }
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(record.payload()));
            for (Header h : record.headers()) {
                String value = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
                if (h.key().startsWith(MeshHeaders.CE_PREFIX)) {
                    b.header("ce-" + h.key().substring(MeshHeaders.CE_PREFIX.length()), value);
                } else if (h.key().equals(MeshHeaders.CONTENT_TYPE)) {
                    b.header("Content-Type", value);
                }
            }
            HttpResponse<Void> r = client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding())
                    .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join();
            int code = r.statusCode();
            if (code >= 200 && code < 300) {
                return new Result(Outcome.DELIVERED, "HTTP " + code);
            }
            return new Result(code >= 400 && code < 500 ? Outcome.REJECTED : Outcome.FAILED, "HTTP " + code);
        } catch (java.util.concurrent.CompletionException e) {
            return new Result(Outcome.FAILED, OutboundFailures.describe(e, timeout, endpoint));
        } catch (IllegalArgumentException e) {
            return new Result(Outcome.FAILED, "cannot build the request: " + e.getMessage());
        }
    }
}
