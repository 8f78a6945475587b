package io.agentmesh.tools.bench;

import java.util.concurrent.CompletableFuture;

/** Sends one benchmark payload without blocking; the future completes when it was accepted. */
@FunctionalInterface
public interface Sender {
    CompletableFuture<?> send(long seq, byte[] payload);
}
