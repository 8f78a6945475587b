package io.agentmesh.service.messaging;

import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.limits.RateLimits;
import io.agentmesh.service.common.DrainControl;
import io.agentmesh.service.errors.ErrorBody;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Sends many messages in one call. Each is validated and written on its own, exactly as a single
 * send (so a bad one is rejected with its own error and never stored, and the rest still go), and
 * every message gets its id before it is written (a rejected one can be resent under the same id,
 * which dedupe then absorbs if the first write did land), and
 * all writes are handed to the producer before any is awaited, so Kafka batches them. The result
 * completes once Kafka has answered for every message.
 */
public final class BatchSender {

    private final MessageService messages;
    private final DrainControl drain;
    private final int maxBatchSize;

    private final RateLimits limits;

    public BatchSender(MessageService messages, DrainControl drain, int maxBatchSize, RateLimits limits) {
        this.limits = limits;
        this.messages = messages;
        this.drain = drain;
        this.maxBatchSize = maxBatchSize;
    }

    /** The messages as commands; a supplier throws {@link MeshException} for a message it cannot read. */
    public CompletableFuture<BatchSendResult> send(MeshPrincipal caller, List<Supplier<SendCommand>> commands) {
        if (commands == null || commands.isEmpty()) {
            throw MeshException.invalidField("messages", "must hold at least one message");
        }
        if (commands.size() > maxBatchSize) {
            throw MeshException.invalidField("messages", "holds " + commands.size()
                    + " messages; at most " + maxBatchSize + " per batch (messages.maxBatchSize)");
        }
        drain.requireOpen("new messages are");
        limits.acquireSends(caller, commands.size());
        List<CompletableFuture<BatchItemResult>> results = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            results.add(sendOne(caller, i, commands.get(i)));
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture[0]))
                .thenApply(done -> BatchSendResult.of(results.stream().map(CompletableFuture::join).toList()));
    }

    /**
     * One message of a stream of single sends, checked, limited and written as a single send; the
     * future does not fail: its result says what became of the message.
     */
    public CompletableFuture<BatchItemResult> sendInStream(MeshPrincipal caller, int index, Supplier<SendCommand> command) {
        try {
            drain.requireOpen("new messages are");
            limits.acquireSends(caller, 1);
        } catch (MeshException e) {
            return CompletableFuture.completedFuture(BatchItemResult.rejected(index, null, ErrorBody.of(e)));
        }
        return sendOne(caller, index, command);
    }

    private CompletableFuture<BatchItemResult> sendOne(MeshPrincipal caller, int index, Supplier<SendCommand> command) {
        SendCommand c;
        boolean clientId;
        try {
            SendCommand given = command.get();
            clientId = given.id() != null;
            c = given.withIdAssigned();
        } catch (MeshException e) {
            return CompletableFuture.completedFuture(BatchItemResult.rejected(index, null, ErrorBody.of(e)));
        }
        try {
            return messages.accept(caller, c, clientId).handle((r, error) -> error == null
                    ? BatchItemResult.accepted(index, r)
                    : BatchItemResult.rejected(index, c.id(),
                            ErrorBody.of(KafkaFailures.translate(error, "accept message " + index))));
        } catch (MeshException e) {
            return CompletableFuture.completedFuture(BatchItemResult.rejected(index, c.id(), ErrorBody.of(e)));
        }
    }
}
