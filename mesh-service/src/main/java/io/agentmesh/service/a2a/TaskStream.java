package io.agentmesh.service.a2a;

import io.agentmesh.streams.a2a.TaskFold;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import org.glassfish.jersey.server.ChunkedOutput;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One task's events as A2A server-sent events: each {@code data:} the task, a status update or an
 * artifact update as the binding writes it (a JSON-RPC response, or an HTTP+JSON StreamResponse), each {@code id:} the event's sequence
 * number in the task, the same on every node. Without a last event id the stream opens with the task
 * as it is (which holds every earlier event) and goes on with what follows; with one it replays
 * every event after it, then goes on, so a client that reconnects to any node misses nothing and
 * gets nothing twice. It ends after the final status update.
 */
final class TaskStream {

    static final Duration KEEPALIVE = Duration.ofSeconds(15);

    private record Item(long seq, ObjectNode event) {
    }

    /** How a binding writes a stream's items: the task or an update of it, and the "no such task" error. */
    interface Encoding {
        JsonNode result(ObjectNode taskOrUpdate);

        JsonNode notFound(String message);

        /** The stream cannot go on (an item it cannot write): the last item it sends. */
        JsonNode failed(String message);
    }

    /** The JSON-RPC binding: each item a JSON-RPC response to the call {@code rpcId}. */
    static Encoding jsonRpc(ObjectMapper mapper, JsonNode rpcId) {
        return new Encoding() {
            @Override
            public JsonNode result(ObjectNode taskOrUpdate) {
                return JsonRpc.result(mapper, rpcId, taskOrUpdate);
            }

            @Override
            public JsonNode notFound(String message) {
                return JsonRpc.error(mapper, rpcId, JsonRpc.TASK_NOT_FOUND, message, null);
            }

            @Override
            public JsonNode failed(String message) {
                return JsonRpc.error(mapper, rpcId, JsonRpc.INTERNAL_ERROR, message, null);
            }
        };
    }

    private final TaskView view;
    private final String taskId;
    private final Encoding encoding;
    private final Long lastEventId;
    private final ObjectMapper mapper;
    private final Duration max;
    /** The last event id the client has: nothing at or before it is sent. */
    private long sent;

    TaskStream(TaskView view, String taskId, Encoding encoding, Long lastEventId, ObjectMapper mapper, Duration max) {
        this.view = view;
        this.taskId = taskId;
        this.encoding = encoding;
        this.lastEventId = lastEventId;
        this.mapper = mapper;
        this.max = max;
        this.sent = lastEventId == null ? -1 : lastEventId;
    }

    /** Starts the stream in one of {@code threads} (never in the caller's: it may be a Kafka client's). */
    ChunkedOutput<String> open(ExecutorService threads) {
        ChunkedOutput<String> out = new ChunkedOutput<>(String.class);
        try {
            threads.execute(() -> {
                try {
                    write(out);
                } catch (IOException e) {
                    // the client went away
                } catch (RuntimeException e) {
                    // an item the binding cannot write: the client is told, not left with a silent end
                    try {
                        emit(out, -1, encoding.failed(e.getMessage() == null ? e.toString() : e.getMessage()));
                    } catch (IOException | RuntimeException gone) {
                        // the client went away too
                    }
                } finally {
                    try {
                        out.close();
                    } catch (IOException e) {
                        // already closed
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            throw new MeshException(ErrorCode.TOO_BUSY, "too many A2A streams on this node", Map.of());
        }
        return out;
    }

    private void write(ChunkedOutput<String> out) throws IOException {
        BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
        var subscription = view.subscribe(taskId, lastEventId == null ? Long.MAX_VALUE - 1 : lastEventId,
                (seq, event) -> queue.offer(new Item(seq, event)));
        if (subscription.isEmpty()) {
            emit(out, -1, encoding.notFound("no task " + taskId));
            return;
        }
        var sub = subscription.get();
        try {
            if (lastEventId == null) {
                emit(out, sub.seq(), encoding.result(sub.task()));
                if (TaskFold.isFinal(sub.task())) {
                    return;
                }
            } else if (!sub.complete()) {
                // this node started from a snapshot past the client's last event: the task as it is
                // now stands for the events it cannot replay one by one
                emit(out, sub.seq(), encoding.result(sub.task()));
                if (TaskFold.isFinal(sub.task())) {
                    return;
                }
            } else {
                long seq = lastEventId;
                for (ObjectNode e : sub.backlog()) {
                    seq++;
                    if (send(out, seq, e)) {
                        return;
                    }
                }
                if (sub.backlog().isEmpty() && TaskFold.isFinal(sub.task())) {
                    return;
                }
            }
            long deadline = System.nanoTime() + max.toNanos();
            while (System.nanoTime() - deadline < 0) {
                Item next;
                try {
                    next = queue.poll(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (next == null) {
                    // a comment line: keeps proxies from timing the stream out, and finds a client gone
                    out.write(": keepalive\n\n");
                } else if (send(out, next.seq(), next.event())) {
                    return;
                }
            }
        } finally {
            sub.cancel().run();
        }
    }

    /** Writes one event of the task (not the client's own messages); true when it ended the task. */
    private boolean send(ChunkedOutput<String> out, long seq, ObjectNode event) throws IOException {
        if (seq <= sent) {
            return false; // the client has it (this node was behind the client's Last-Event-ID)
        }
        String kind = event.path("kind").asText();
        if (kind.equals("status-update") || kind.equals("artifact-update")) {
            emit(out, seq, encoding.result(event));
        }
        return kind.equals("status-update") && TaskFold.FINAL.contains(event.path("status").path("state").asText());
    }

    private void emit(ChunkedOutput<String> out, long seq, JsonNode body) throws IOException {
        sent = Math.max(sent, seq);
        StringBuilder b = new StringBuilder();
        if (seq >= 0) {
            b.append("id: ").append(seq).append('\n');
        }
        b.append("data: ").append(mapper.writeValueAsString(body)).append("\n\n");
        out.write(b.toString());
    }
}
