package io.agentmesh.service.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory up to {@code max} bytes: a longer one cancels the exchange and
 * fails with {@link TooLarge}, so a server answering without end costs the mesh at most that much.
 * Pair it with a deadline on the whole exchange ({@code sendAsync(...).orTimeout(...)}): the
 * request timeout alone covers only the wait for the headers.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The body was longer than allowed. */
    public static final class TooLarge extends IOException {
        public TooLarge(int max) {
            super("the answer is longer than " + max + " bytes");
        }
    }

    private final int max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BoundedBody(int max) {
        this.max = max;
    }

    /** A body handler reading at most {@code max} bytes, whatever the status. */
    public static HttpResponse.BodyHandler<byte[]> upTo(int max) {
        return info -> new BoundedBody(max);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
            if (out.size() + b.remaining() > max) {
                subscription.cancel();
                body.completeExceptionally(new TooLarge(max));
                return;
            }
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.write(bytes, 0, bytes.length);
        }
    }

    @Override
    public void onError(Throwable t) {
        body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        body.complete(out.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }
}
