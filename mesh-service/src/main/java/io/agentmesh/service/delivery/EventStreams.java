package io.agentmesh.service.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.common.BoundedGate;
import io.agentmesh.service.common.DrainControl;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.registry.AgentActivity;
import io.agentmesh.service.registry.AgentLiveness;
import org.glassfish.jersey.server.ChunkedOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

/**
 * An agent's inbox as server-sent events. Each event's {@code id:} is the inbox position after it
 * ({@code <partition>:<next offset>,…}); a stream resumes right after such an id, or starts at the
 * acknowledged position. The stream does not acknowledge. A comment line every 15 s keeps proxies
 * from closing an idle stream; a drain or shutdown ends the stream with an {@code end} event.
 */
public final class EventStreams {

    public static final String KIND = "sse_streams";
    /** Why a reader ends when a Connect stream took its agent's inbox while this node was cut off from ZooKeeper. */
    static final String CONFLICT = "a Connect stream took the inbox";

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.delivery");
    private static final long KEEPALIVE_NANOS = Duration.ofSeconds(15).toNanos();
    private static final int READ_AHEAD = 100;

    private final InboxReader reader;
    private final BoundedGate gate;
    private final ObjectMapper mapper;
    private final DeliveryEvents deliveries;
    private final DrainControl drain;
    private final LiveStreams live;
    private final ExecutorService threads;
    private final AgentActivity activity;
    private final InboxSessions sessions;

    public EventStreams(InboxReader reader, BoundedGate gate, ObjectMapper mapper, DeliveryEvents deliveries,
                        DrainControl drain, LiveStreams live, ExecutorService threads, AgentActivity activity,
                        InboxSessions sessions) {
        this.reader = reader;
        this.gate = gate;
        this.mapper = mapper;
        this.deliveries = deliveries;
        this.drain = drain;
        this.live = live;
        this.threads = threads;
        this.activity = activity;
        this.sessions = sessions;
    }

    /** Starts the stream of a registered agent from {@code from} (partition → next offset; empty: acknowledged). */
    public ChunkedOutput<String> open(String agentId, Map<Integer, Long> from) throws Exception {
        drain.requireOpen("new streams are");
        AutoCloseable permit = gate.enter();
        AutoCloseable registered;
        InboxCursor cursor;
        java.util.concurrent.atomic.AtomicReference<InboxPump> stop = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            // a Connect stream of the same agent would deliver the same messages: the two exclude each other
            registered = sessions.openReader(agentId, () -> {
                InboxPump pump = stop.get();
                if (pump != null) {
                    pump.stop(CONFLICT);
                }
            });
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
        try {
            cursor = reader.openAt(agentId, from, READ_AHEAD);
        } catch (RuntimeException e) {
            registered.close();
            permit.close();
            throw e;
        }
        ChunkedOutput<String> output = new ChunkedOutput<>(String.class);
        try {
            threads.execute(() -> {
                try (permit; registered) {
                    output.write(": connected\n\n");
                    InboxPump pump = new InboxPump(cursor, new Events(agentId, output, cursor.position()))
                            .eachRound(() -> activity.touch(agentId, AgentLiveness.REST));
                    stop.set(pump);
                    live.run(KIND, pump);
                } catch (Exception e) {
                    cursor.close();
                    closeQuietly(output);
                }
            });
        } catch (RejectedExecutionException e) {
            cursor.close();
            registered.close();
            permit.close();
            throw new MeshException(ErrorCode.TOO_BUSY, "too many event streams on this node", Map.of());
        }
        return output;
    }

    static String encode(Map<Integer, Long> position) {
        return position.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    }

    private static void closeQuietly(ChunkedOutput<String> output) {
        try {
            output.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Writes each message as an event whose id is the position after it. */
    private final class Events implements InboxPump.Handoff {

        private final String agentId;
        private final ChunkedOutput<String> out;
        private final Map<Integer, Long> position;
        private long lastWrite = System.nanoTime();

        Events(String agentId, ChunkedOutput<String> out, Map<Integer, Long> start) {
            this.agentId = agentId;
            this.out = out;
            this.position = new TreeMap<>(start);
        }

        @Override
        public boolean hand(InboxCursor.Batch batch) throws IOException {
            StringBuilder chunk = new StringBuilder();
            for (InboxRecord record : batch.records()) {
                position.put(record.partition(), record.offset() + 1);
                String data = mapper.writeValueAsString(InboxMessageView.of(record, mapper));
                chunk.append("id: ").append(encode(position)).append("\nevent: message\ndata: ").append(data).append("\n\n");
            }
            position.putAll(batch.next());
            // before the events leave: an ack of their ids must find them handed out
            sessions.handedOut(agentId, batch.next());
            if (chunk.length() > 0) {
                out.write(chunk.toString());
                lastWrite = System.nanoTime();
                deliveries.delivered(agentId, "sse", batch.records());
            }
            return !out.isClosed();
        }

        @Override
        public boolean idle() throws IOException {
            if (System.nanoTime() - lastWrite > KEEPALIVE_NANOS) {
                out.write(": keepalive\n\n");
                lastWrite = System.nanoTime();
            }
            return !out.isClosed();
        }

        @Override
        public void ended(InboxCursor cursor, String stopReason, Throwable failure) {
            try {
                if (failure == null && stopReason != null && !out.isClosed()) {
                    out.write("event: end\ndata: {\"reason\":\"node draining or stopping; reconnect with Last-Event-ID\"}\n\n");
                }
            } catch (IOException e) {
                // the client went away
            }
            if (failure != null && !(failure instanceof IOException)) {
                LOG.warn("event stream of {} ended: {}", agentId, failure.toString());
            }
            closeQuietly(out);
        }
    }

    /** Ends every event stream of this node (drain, shutdown); answers how many. */
    public int endAll(String reason) {
        return live.endAll(KIND, reason);
    }

    public int count() {
        return live.count(KIND);
    }
}
