package io.agentmesh.tools.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.tools.harness.MeshHttp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Takes its messages as server-sent events: processes each event and remembers its id; after a
 * break it reconnects with that id as {@code Last-Event-ID}, and about once a second it posts the
 * position of the last event processed to {@code …/messages/ack}.
 */
final class SseAgent extends PathAgent {

    private static final long ACK_EVERY_MS = 1000;

    private final List<String> restUrls;
    private final List<MeshHttp> nodes;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String lastEventId;

    SseAgent(Ledger ledger, List<String> restUrls) {
        super(DeliveryPath.SSE, ledger, restUrls.size());
        this.restUrls = restUrls;
        this.nodes = restUrls.stream().map(u -> new MeshHttp(u, Duration.ofSeconds(10))).toList();
    }

    @Override
    void session(int node) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(pick(restUrls, node) + "/api/v1/agents/" + agentId()
                + "/stream")).header("Accept", "text/event-stream").GET();
        String resumeAt = lastEventId;
        if (resumeAt != null) {
            request.header("Last-Event-ID", resumeAt);
        }
        HttpResponse<Stream<String>> response = client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            String body = String.join("\n", response.body().limit(5).toList());
            throw new IllegalStateException("stream: " + response.statusCode() + " " + body);
        }
        MeshHttp http = pick(nodes, node);
        long lastAck = System.currentTimeMillis();
        String acked = resumeAt;
        String eventId = null;
        String event = null;
        StringBuilder data = new StringBuilder();
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            while (running.get() && it.hasNext()) {
                String line = it.next();
                if (line.isEmpty()) {
                    if ("message".equals(event)) {
                        JsonNode m = MeshHttp.mapper().readTree(data.toString());
                        processed(m.path("id").asText());
                        lastEventId = eventId;
                    } else if ("end".equals(event)) {
                        break;
                    }
                    eventId = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    eventId = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
                String last = lastEventId;
                if (last != null && !last.equals(acked) && System.currentTimeMillis() - lastAck >= ACK_EVERY_MS) {
                    ack(http, last);
                    acked = last;
                    lastAck = System.currentTimeMillis();
                }
            }
        }
    }

    /** Posts the event's position ({@code p:next,…}) as the acknowledged one; a refusal is noted, the stream goes on. */
    private void ack(MeshHttp http, String position) {
        StringBuilder offsets = new StringBuilder("{\"offsets\":{");
        String[] parts = position.split(",");
        for (int i = 0; i < parts.length; i++) {
            String[] pn = parts[i].split(":");
            offsets.append(i == 0 ? "" : ",").append('"').append(pn[0]).append("\":").append(pn[1]);
        }
        offsets.append("}}");
        try {
            MeshHttp.Reply r = http.post("/api/v1/agents/" + agentId() + "/messages/ack", offsets.toString());
            if (r.status() != 200) {
                trouble("ack: " + r.status() + " " + r.body());
            }
        } catch (IOException e) {
            trouble("ack: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    void disconnect() {
        // the loop checks running at every line; a keepalive comes every 15 s
    }
}
