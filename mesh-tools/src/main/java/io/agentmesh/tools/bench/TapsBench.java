package io.agentmesh.tools.bench;

import io.agentmesh.tools.harness.MeshHttp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Analytics taps for the taps part: five taps that each take all the traffic, one per payload
 * policy and one of routed events only, live before the measurement starts.
 */
final class TapsBench {

    private static final String[] POLICIES = {
            "{\"mode\":\"include\"}", "{\"mode\":\"hash\"}", "{\"mode\":\"drop\"}",
            "{\"mode\":\"redact\",\"fields\":[\"n\",\"*.secret\"]}", "{\"mode\":\"drop\"}"};

    private TapsBench() {
    }

    /** Creates {@code count} taps and waits until the node runs them all; returns their names. */
    static List<String> create(MeshHttp http, int count) throws IOException, InterruptedException {
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "bench-" + run + "-" + i;
            String filter = i == count - 1 ? "{\"events\":[\"routed\"]}" : "{}";
            MeshHttp.Reply r = http.post("/api/v1/taps", "{\"name\":\"" + name + "\",\"filter\":" + filter + ",\"payload\":"
                    + POLICIES[i % POLICIES.length] + ",\"retention\":\"1h\"}");
            if (r.status() != 201) {
                throw new IllegalStateException("creating tap " + name + ": " + r.status() + " " + r.body());
            }
            names.add(name);
        }
        long until = System.nanoTime() + 60_000_000_000L;
        for (String name : names) {
            while (!http.get("/api/v1/taps/" + name).json().path("live").asBoolean()) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("tap " + name + " not live within 60 s");
                }
                Thread.sleep(200);
            }
        }
        return names;
    }

    static void delete(MeshHttp http, List<String> names) throws IOException, InterruptedException {
        for (String name : names) {
            http.delete("/api/v1/taps/" + name);
        }
    }
}
