package io.agentmesh.service.delivery;

import io.agentmesh.service.web.Params;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.common.BoundedGate;
import io.agentmesh.service.common.DrainControl;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.glassfish.jersey.server.ChunkedOutput;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * GET /api/v1/agents/{id}/stream: the inbox as server-sent events. Each event's {@code id:} is the
 * inbox position after it ({@code <partition>:<next offset>,…}); reconnecting with
 * {@code Last-Event-ID} resumes right after it, without one the stream starts at the acknowledged
 * position. The stream does not acknowledge: POST that position to {@code .../messages/ack} when
 * done. A comment line every 15 s keeps proxies from closing an idle stream.
 */
@Path("/api/v1/agents/{id}/stream")
public final class InboxStreamResource {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.agentmesh.delivery");
    private static final long KEEPALIVE_NANOS = Duration.ofSeconds(15).toNanos();

    private final InboxReader reader;
    private final AgentRegistry registry;
    private final BoundedGate gate;
    private final ObjectMapper mapper;
    private final DeliveryEvents deliveries;
    private final DrainControl drain;
    private final LiveStreams live;
    private final java.util.concurrent.ExecutorService threads;

    public InboxStreamResource(InboxReader reader, AgentRegistry registry, BoundedGate gate, ObjectMapper mapper,
                               DeliveryEvents deliveries, DrainControl drain, LiveStreams live,
                               java.util.concurrent.ExecutorService threads) {
        this.reader = reader;
        this.registry = registry;
        this.gate = gate;
        this.mapper = mapper;
        this.deliveries = deliveries;
        this.drain = drain;
        this.live = live;
        this.threads = threads;
    }

    @GET
    @Produces("text/event-stream")
    public Response stream(@PathParam("id") String rawId, @HeaderParam("Last-Event-ID") String lastEventId,
                           @QueryParam("last_event_id") String lastEventIdParam) throws Exception {
        String id = Params.agentId(rawId);
        drain.requireOpen("new streams are");
        if (!registry.exists(id)) {
            throw new MeshException(ErrorCode.AGENT_NOT_FOUND, "no agent '" + id + "' is registered", Map.of("id", id));
        }
        Map<Integer, Long> from = position(lastEventId != null ? lastEventId : lastEventIdParam);
        AutoCloseable permit = gate.enter();
        Consumer<byte[], byte[]> consumer;
        try {
            consumer = reader.openAt(id, from, 100);
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
        ChunkedOutput<String> output = new ChunkedOutput<>(String.class);
        try {
            threads.execute(() -> {
                try (permit; consumer; LiveStreams.Handle handle = live.register()) {
                    pump(id, consumer, output, handle);
                } catch (IOException e) {
                    // the client went away
                } catch (Exception e) {
                    LOG.warn("event stream of {} ended: {}", id, e.toString());
                } finally {
                    closeQuietly(output);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            consumer.close();
            permit.close();
            throw new MeshException(ErrorCode.TOO_BUSY, "too many event streams on this node", Map.of());
        }
        return Response.ok(output, "text/event-stream").header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no").build();
    }

    private static void closeQuietly(ChunkedOutput<String> output) {
        try {
            output.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private void pump(String agentId, Consumer<byte[], byte[]> consumer, ChunkedOutput<String> out,
                      LiveStreams.Handle handle) throws IOException {
        Map<Integer, Long> position = new TreeMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            position.put(tp.partition(), consumer.position(tp));
        }
        out.write(": connected\n\n");
        long lastWrite = System.nanoTime();
        while (handle.open() && !out.isClosed()) {
            StringBuilder chunk = new StringBuilder();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                InboxRecord record = InboxRecord.of(r);
                position.put(r.partition(), r.offset() + 1);
                String data = mapper.writeValueAsString(InboxMessageView.of(record, mapper));
                chunk.append("id: ").append(encode(position)).append("\nevent: message\ndata: ").append(data).append("\n\n");
                deliveries.delivered(agentId, "sse", List.of(record));
            }
            if (chunk.length() > 0) {
                out.write(chunk.toString());
                lastWrite = System.nanoTime();
            } else if (System.nanoTime() - lastWrite > KEEPALIVE_NANOS) {
                out.write(": keepalive\n\n");
                lastWrite = System.nanoTime();
            }
        }
        if (!out.isClosed()) {
            out.write("event: end\ndata: {\"reason\":\"node draining or stopping; reconnect with Last-Event-ID\"}\n\n");
        }
    }

    static String encode(Map<Integer, Long> position) {
        return position.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    }

    /** Parses {@code <partition>:<next offset>[,…]}; 400 naming Last-Event-ID otherwise. */
    static Map<Integer, Long> position(String raw) {
        Map<Integer, Long> out = new TreeMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        if (raw.length() > 2000) {
            throw MeshException.invalidField("Last-Event-ID", "too long");
        }
        for (String part : raw.trim().split(",")) {
            String[] po = part.split(":");
            try {
                if (po.length != 2) {
                    throw new NumberFormatException();
                }
                int partition = Integer.parseInt(po[0].trim());
                long offset = Long.parseLong(po[1].trim());
                if (partition < 0 || offset < 0) {
                    throw new NumberFormatException();
                }
                out.put(partition, offset);
            } catch (NumberFormatException e) {
                throw MeshException.invalidField("Last-Event-ID", "'" + raw + "' is not <partition>:<offset>[,...] "
                        + "as sent in an event's id");
            }
        }
        return out;
    }
}
