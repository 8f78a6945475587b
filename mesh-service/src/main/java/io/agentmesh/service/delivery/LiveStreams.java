package io.agentmesh.service.delivery;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streaming readers of this node by kind (server-sent events, gRPC Subscribe), so a drain or a
 * shutdown can end them and the connection listing can count them.
 */
public final class LiveStreams {

    private final Map<String, Set<InboxPump>> byKind = new ConcurrentHashMap<>();

    /** Runs {@code pump} on this thread as one stream of {@code kind}, counted until it ends. */
    public void run(String kind, InboxPump pump) {
        Set<InboxPump> pumps = byKind.computeIfAbsent(kind, k -> ConcurrentHashMap.newKeySet());
        pumps.add(pump);
        try {
            pump.run();
        } finally {
            pumps.remove(pump);
        }
    }

    public int count(String kind) {
        Set<InboxPump> pumps = byKind.get(kind);
        return pumps == null ? 0 : pumps.size();
    }

    /** Asks every stream (of any kind) of one agent to end; answers how many. */
    public int endAgent(String agentId, String reason) {
        int n = 0;
        for (Set<InboxPump> pumps : byKind.values()) {
            for (InboxPump p : pumps) {
                if (p.agentId().equals(agentId)) {
                    p.stop(reason);
                    n++;
                }
            }
        }
        return n;
    }

    /** Asks every stream of {@code kind} to end (each finishes its current message); answers how many. */
    public int endAll(String kind, String reason) {
        Set<InboxPump> pumps = byKind.getOrDefault(kind, Set.of());
        pumps.forEach(p -> p.stop(reason));
        return pumps.size();
    }
}
