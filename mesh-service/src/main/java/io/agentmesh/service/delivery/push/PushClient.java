package io.agentmesh.service.delivery.push;

import io.agentmesh.service.common.OutboundGuard;
import io.agentmesh.service.delivery.InboxRecord;
import io.agentmesh.service.errors.OutboundFailures;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.kafka.KafkaMessageFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * POSTs one inbox record to an agent's endpoint as a CloudEvents HTTP request in binary mode, by the
 * CloudEvents SDK: the record is read with the Kafka protocol binding and written with the HTTP
 * one ({@code ce-*} headers, the data content type as Content-Type, the data as the body). 2xx = delivered; 4xx = the agent rejects it; anything
 * else (5xx, timeout, refused connection) = failed, worth retrying.
 */
public final class PushClient implements PushTransport {

    // plain HTTP/1.1: receivers need not speak HTTP/2 (no h2c upgrade headers)
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final OutboundGuard guard;

    public PushClient(OutboundGuard guard) {
        this.guard = guard;
    }

    @Override
    public Result post(URI endpoint, InboxRecord record, Duration timeout) {
        // checked on every connection: the host's DNS may point somewhere else since registration
        java.util.Optional<String> refused = guard.refusal(endpoint);
        if (refused.isPresent()) {
            return new Result(Outcome.REJECTED, "endpoint refused: " + refused.get());
        }
        CloudEvent event;
        try {
            // the inbox record as the CloudEvents SDK reads it (Kafka binding), written back out in the
            // HTTP binding's binary mode by the same SDK
            event = KafkaMessageFactory.createReader(record.headers(), record.payload()).toEvent();
        } catch (RuntimeException e) {
            return new Result(Outcome.REJECTED, "the inbox record is not a CloudEvent: " + e.getMessage());
        }
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(timeout);
            byte[][] body = {new byte[0]};
            HttpMessageFactory.createWriter(b::header, bytes -> body[0] = bytes == null ? new byte[0] : bytes)
                    .writeBinary(event);
            b.POST(HttpRequest.BodyPublishers.ofByteArray(body[0]));
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
