package io.agentmesh.service.a2a;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.registry.AgentActivity;
import io.agentmesh.service.registry.AgentCards;
import io.agentmesh.service.registry.AgentLiveness;
import io.agentmesh.service.registry.AgentRecord;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.registry.RegisterCommand;
import io.agentmesh.service.registry.RemoteCards;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * One round of the leader's chore for agents behind A2A servers: every registered one (active or
 * expired) has its card fetched again from where it was registered. A card that answers keeps the
 * agent alive (seen via {@code a2a}: the mesh is its heartbeat, so an A2A server that stops
 * answering lets its agent expire like any silent agent, and one that answers again brings it
 * back); a card that changed (skills, name, interface) updates the registration; the capabilities
 * given at registration beside the card's are kept, the name is the card's. Fetches run
 * {@value #PARALLEL} at a time, each within the fetcher's deadline, live agents first; a card that
 * fails is asked again after 10 s, doubling per failure up to 5 minutes.
 */
public final class A2aCardRefresher implements Runnable {

    static final int PARALLEL = 8;
    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    private final AgentRegistry registry;
    private final RemoteCards cards;
    private final AgentActivity activity;
    private final ExecutorService threads;
    private final Meter failed;
    /** Agents whose card did not answer last time (each told once in the log, and once when it answers again). */
    private final java.util.Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** When a failing card is asked again (10 s, doubling per failure, at most 5 minutes). */
    private final java.util.Map<String, Long> retryAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();

    public A2aCardRefresher(AgentRegistry registry, RemoteCards cards, AgentActivity activity, ExecutorService threads,
                            MetricRegistry metrics) {
        this.registry = registry;
        this.cards = cards;
        this.activity = activity;
        this.threads = threads;
        this.failed = metrics.meter("mesh.a2a.card_refresh.failures");
    }

    @Override
    public void run() {
        long now = System.currentTimeMillis();
        // live agents first; a card that keeps failing is asked less and less often
        List<AgentRecord> due = registry.listRemoteA2a().stream()
                .filter(a -> retryAt.getOrDefault(a.id(), 0L) <= now)
                .sorted(java.util.Comparator.comparing(a -> !a.active())).toList();
        List<CompletableFuture<Void>> round = new ArrayList<>();
        for (AgentRecord a : due) {
            round.add(CompletableFuture.runAsync(() -> refresh(a), threads));
        }
        round.forEach(CompletableFuture::join);
    }

    private void refresh(AgentRecord agent) {
        Object cardUrl = agent.metadata().get(AgentRegistry.CARD_URL);
        if (!(cardUrl instanceof String url)) {
            return;
        }
        try {
            RemoteCards.Remote now = cards.fetch(URI.create(url));
            if (!now.card().equals(agent.card()) || !now.rpcUrl().equals(agent.endpoint())) {
                LinkedHashSet<String> own = new LinkedHashSet<>(agent.capabilities());
                if (agent.card() != null) {
                    own.removeAll(AgentCards.capabilities(agent.card()));
                }
                if (!stillRegistered(agent.id())) {
                    return;
                }
                // the name is the card's (null: taken from the card), the capabilities the card's and those given
                registry.register(new RegisterCommand(agent.id(), null, agent.namespace(), new ArrayList<>(own),
                        now.rpcUrl(), agent.metadata(), agent.owner(), agent.heartbeatTtlMs(), now.card(),
                        AgentRecord.A2A, agent.healthUrl()));
                LOG.info("the A2A card of {} changed at {}: registration updated", agent.id(), url);
            }
            activity.touch(agent.id(), AgentLiveness.A2A);
            retryAt.remove(agent.id());
            failures.remove(agent.id());
            if (failing.remove(agent.id())) {
                LOG.info("the A2A card of {} answers again at {}", agent.id(), url);
            }
        } catch (MeshException | IllegalArgumentException e) {
            failed(agent.id(), "did not answer at " + url + ": " + e.getMessage());
        } catch (RuntimeException e) {
            failed(agent.id(), "not refreshed: " + e);
        }
    }

    /** Whether the agent was not deregistered while its card was fetched (a refresh must not bring it back). */
    private boolean stillRegistered(String id) {
        String status = registry.get(id).status();
        return AgentRecord.ACTIVE.equals(status) || AgentRecord.EXPIRED.equals(status);
    }

    private void failed(String agentId, String what) {
        failed.mark();
        int n = failures.merge(agentId, 1, Integer::sum);
        retryAt.put(agentId, System.currentTimeMillis() + Math.min(300_000L, 10_000L << Math.min(n - 1, 5)));
        if (failing.add(agentId)) {
            LOG.warn("the A2A card of {} {} (it expires after its heartbeat TTL unless the card answers again)",
                    agentId, what);
        } else {
            LOG.debug("the A2A card of {} {}", agentId, what);
        }
    }
}
