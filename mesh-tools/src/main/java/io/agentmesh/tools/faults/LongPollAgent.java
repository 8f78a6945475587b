package io.agentmesh.tools.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.tools.harness.MeshHttp;

import java.time.Duration;
import java.util.List;

/** Takes its messages by REST long-poll: processes each batch, then posts the batch's {@code ack} position. */
final class LongPollAgent extends PathAgent {

    private final List<MeshHttp> nodes;

    LongPollAgent(Ledger ledger, List<String> restUrls) {
        super(DeliveryPath.LONG_POLL, ledger, restUrls.size());
        this.nodes = restUrls.stream().map(u -> new MeshHttp(u, Duration.ofSeconds(20))).toList();
    }

    @Override
    void session(int node) throws Exception {
        MeshHttp http = pick(nodes, node);
        while (running.get()) {
            MeshHttp.Reply r = http.get("/api/v1/agents/" + agentId() + "/messages?max=200&wait=5");
            if (r.status() != 200) {
                throw new IllegalStateException("poll: " + r.status() + " " + r.body());
            }
            JsonNode batch = r.json();
            for (JsonNode m : batch.path("messages")) {
                processed(m.path("id").asText());
            }
            if (batch.path("messages").size() > 0) {
                MeshHttp.Reply ack = http.post("/api/v1/agents/" + agentId() + "/messages/ack",
                        "{\"offsets\":" + batch.path("ack") + "}");
                if (ack.status() != 200) {
                    // not acknowledged: those messages come again (a duplicate, never a loss)
                    throw new IllegalStateException("ack: " + ack.status() + " " + ack.body());
                }
            }
        }
    }

    @Override
    void disconnect() {
        // a poll ends by itself within its wait
    }
}
