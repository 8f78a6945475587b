package io.agentmesh.tools.bench;

import io.agentmesh.tools.harness.MeshHttp;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** REST sends in a closed loop: one keep-alive client per worker, each message a POST /api/v1/messages answered 202. */
final class RestSends {

    private RestSends() {
    }

    static ClosedLoop.Sample run(Supplier<MeshHttp> client, String to, int messages, int clients, int payloadBytes)
            throws Exception {
        return ClosedLoop.run(messages, clients, () -> {
            MeshHttp http = client.get();
            return i -> {
                byte[] body = ("{\"to\":\"" + to + "\",\"payload\":"
                        + new String(Payloads.of(System.nanoTime(), i, payloadBytes), StandardCharsets.UTF_8) + "}")
                        .getBytes(StandardCharsets.UTF_8);
                MeshHttp.Reply r = http.post("/api/v1/messages", body);
                if (r.status() != 202) {
                    throw new IllegalStateException("send answered " + r.status() + " " + r.body());
                }
            };
        });
    }
}
