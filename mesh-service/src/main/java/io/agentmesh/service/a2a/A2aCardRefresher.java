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
 * given at registration beside the card's are kept. Fetches run {@value #PARALLEL} at a time.
 */
public final class A2aCardRefresher implements Runnable {

    static final int PARALLEL = 8;
    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    private final AgentRegistry registry;
    private final RemoteCards cards;
    private final AgentActivity activity;
    private final ExecutorService threads;
    private final Meter failures;
    /** Agents whose card did not answer last time (each told once in the log, and once when it answers again). */
    private final java.util.Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public A2aCardRefresher(AgentRegistry registry, RemoteCards cards, AgentActivity activity, ExecutorService threads,
                            MetricRegistry metrics) {
        this.registry = registry;
        this.cards = cards;
        this.activity = activity;
        this.threads = threads;
        this.failures = metrics.meter("mesh.a2a.card_refresh.failures");
    }

    @Override
    public void run() {
        List<AgentRecord> agents = registry.listRemoteA2a();
        for (int from = 0; from < agents.size(); from += PARALLEL) {
            List<CompletableFuture<Void>> round = new ArrayList<>();
            for (AgentRecord a : agents.subList(from, Math.min(agents.size(), from + PARALLEL))) {
                round.add(CompletableFuture.runAsync(() -> refresh(a), threads));
            }
            round.forEach(CompletableFuture::join);
        }
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
                registry.register(new RegisterCommand(agent.id(), agent.name(), agent.namespace(), new ArrayList<>(own),
                        now.rpcUrl(), agent.metadata(), agent.owner(), agent.heartbeatTtlMs(), now.card(),
                        AgentRecord.A2A, agent.healthUrl()));
                LOG.info("the A2A card of {} changed at {}: registration updated", agent.id(), url);
            }
            activity.touch(agent.id(), AgentLiveness.A2A);
            if (failing.remove(agent.id())) {
                LOG.info("the A2A card of {} answers again at {}", agent.id(), url);
            }
        } catch (MeshException | IllegalArgumentException e) {
            failed(agent.id(), "did not answer at " + url + ": " + e.getMessage());
        } catch (RuntimeException e) {
            failed(agent.id(), "not refreshed: " + e);
        }
    }

    private void failed(String agentId, String what) {
        failures.mark();
        if (failing.add(agentId)) {
            LOG.warn("the A2A card of {} {} (it expires after its heartbeat TTL unless the card answers again)",
                    agentId, what);
        } else {
            LOG.debug("the A2A card of {} {}", agentId, what);
        }
    }
}
