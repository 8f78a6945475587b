package io.agentmesh.service.health;

import io.agentmesh.service.registry.AgentView;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** An agent's health as REST answers it. */
public final class HealthViews {

    private HealthViews() {
    }

    public static Map<String, Object> of(AgentView agent, HealthState state) {
        HealthState s = state == null ? HealthState.initial(agent.id()) : state;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agent_id", agent.id());
        out.put("status", s.status());
        out.put("registry_status", agent.status());
        out.put("check_status", s.checkStatus());
        out.put("health_url", HealthProber.healthUrl(agent.healthUrl()).map(URI::toString).orElse(null));
        out.put("consecutive_failures", s.consecutiveFailures());
        out.put("consecutive_successes", s.consecutiveSuccesses());
        out.put("last_check_at", str(s.lastCheckAt()));
        out.put("last_check_ok", s.lastCheckOk());
        out.put("last_error", s.lastError());
        out.put("last_latency_ms", s.lastLatencyMs());
        if (s.overrideStatus() == null) {
            out.put("override", null);
        } else {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("status", s.overrideStatus());
            o.put("reason", s.overrideReason());
            o.put("until", str(s.overrideUntil()));
            out.put("override", o);
        }
        out.put("flapping", s.flapping());
        out.put("changed_at", str(s.changedAt()));
        out.put("last_heartbeat", agent.lastHeartbeat());
        return out;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
