package io.agentmesh.service.registry;

import io.agentmesh.service.db.PostgresFailures;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.topics.AgentIds;
import io.agentmesh.streams.topics.MeshTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Whether agents are alive: every sign of life — a heartbeat, reading the inbox over REST or
 * gRPC, a Kafka consumer of its own, a push it answered — is recorded the same way (Postgres keeps
 * when and how, Redis's live entry gets its TTL back, an expired agent turns active again and the
 * router is told); agents not seen for longer than their TTL turn expired. Expiry only takes an
 * agent out of anycast and fan-out: messages addressed to it still go to its inbox.
 */
public final class AgentLiveness {

    /** How an agent was seen. */
    public static final String REST = "rest";
    public static final String GRPC = "grpc";
    public static final String KAFKA = "kafka";
    public static final String PUSH = "push";
    /** The mesh fetched the card of an agent behind an A2A server. */
    public static final String A2A = "a2a";

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    private final AgentDao dao;
    private final RegistryPublisher registryPublisher;
    private final AgentCache cache;
    private final MeshTopics topics;

    public AgentLiveness(AgentDao dao, RegistryPublisher registryPublisher, AgentCache cache, MeshTopics topics) {
        this.dao = dao;
        this.registryPublisher = registryPublisher;
        this.cache = cache;
        this.topics = topics;
    }

    /** A recorded heartbeat; {@code cacheRefreshed} is false while Redis is down (Postgres has it). */
    public record Heartbeat(AgentView agent, boolean cacheRefreshed) {
    }

    /** An explicit heartbeat of one agent; 404 for unknown or deregistered agents. */
    public Heartbeat heartbeat(String id, String via) {
        if (!AgentIds.isValid(id)) {
            throw MeshException.invalidField("id", "'" + id + "' is not a valid agent id: " + AgentIds.RULE);
        }
        List<AgentView> seen = record(List.of(id), via);
        if (seen.isEmpty()) {
            throw new MeshException(ErrorCode.AGENT_NOT_FOUND, "no agent '" + id + "' is registered", Map.of("id", id));
        }
        return new Heartbeat(seen.get(0), refresh(seen));
    }

    /** Heartbeats of many agents at once: the ids recorded, the ids unknown or deregistered, and whether Redis was refreshed. */
    public record Heartbeats(List<String> seen, List<String> unknown, boolean cacheRefreshed) {
    }

    /**
     * Heartbeats of many agents in one call (a process hosting many agents): one Postgres update and
     * one pipelined Redis round for all of them. Ids must be valid; unknown and deregistered ones are
     * answered, not refused.
     */
    public Heartbeats heartbeats(List<String> ids, String via) {
        for (String id : ids) {
            if (!AgentIds.isValid(id)) {
                throw MeshException.invalidField("ids", "'" + id + "' is not a valid agent id: " + AgentIds.RULE);
            }
        }
        Map<String, Duration> seen = recordIds(ids, via);
        List<String> unknown = ids.stream().filter(id -> !seen.containsKey(id)).toList();
        return new Heartbeats(List.copyOf(seen.keySet()), unknown, seen.isEmpty() || refresh(seen));
    }

    /** Agents seen alive ({@code via} says how); unknown and deregistered ids are passed over. */
    public void seen(Collection<String> ids, String via) {
        if (!ids.isEmpty()) {
            refresh(recordIds(ids, via));
        }
    }

    /** One agent seen: its whole record, for the answer. */
    private List<AgentView> record(Collection<String> ids, String via) {
        List<AgentRecord> active = PostgresFailures.call(() -> dao.seen(ids, via));
        List<AgentView> out = new ArrayList<>(active.stream().map(this::view).toList());
        if (active.size() < ids.size()) {
            out.addAll(revive(ids, via).stream().map(this::view).toList());
        }
        return out;
    }

    /** Many agents seen: the id and TTL of each recorded (the live entry's TTL is all a refresh needs). */
    private Map<String, Duration> recordIds(Collection<String> ids, String via) {
        Map<String, Duration> out = new LinkedHashMap<>();
        for (AgentDao.Seen s : PostgresFailures.call(() -> dao.seenIds(ids, via))) {
            out.put(s.id(), ttl(s.heartbeatTtlMs()));
        }
        if (out.size() < ids.size()) {
            revive(ids, via).forEach(r -> out.put(r.id(), ttl(r.heartbeatTtlMs())));
        }
        return out;
    }

    /** Expired agents among {@code ids} turned active again, the router told. */
    private List<AgentRecord> revive(Collection<String> ids, String via) {
        List<AgentRecord> revived = PostgresFailures.call(() -> dao.jdbi().inTransaction(h -> {
            List<AgentRecord> rows = dao.revive(h, ids, via);
            KafkaFailures.awaitAll(publish(rows), "registry");
            return rows;
        }));
        revived.forEach(r -> LOG.info("agent {} was expired; seen via {}, it is active again", r.id(), via));
        return revived;
    }

    private Duration ttl(Long heartbeatTtlMs) {
        return heartbeatTtlMs == null ? cache.ttl() : Duration.ofMillis(heartbeatTtlMs);
    }

    /** Gives the live entries their TTL back, rewriting those Redis lost; false when Redis could not be reached. */
    private boolean refresh(List<AgentView> agents) {
        try {
            Map<String, Duration> ttls = new LinkedHashMap<>();
            agents.forEach(a -> ttls.put(a.id(), a.heartbeatTtl()));
            java.util.Set<String> gone = cache.touchAll(ttls);
            for (AgentView agent : agents) {
                if (gone.contains(agent.id())) {
                    cache.put(agent);
                }
            }
            return true;
        } catch (MeshException e) {
            LOG.warn("{} agents seen, but Redis was not refreshed: {}", agents.size(), e.getMessage());
            return false;
        }
    }

    /**
     * Gives the live entries their TTL back; an entry Redis no longer holds is read back from
     * Postgres and written again. False when Redis could not be reached; entries that could not be
     * read back stay missing until the next sign of life (the heartbeat itself is recorded).
     */
    private boolean refresh(Map<String, Duration> ttls) {
        java.util.Set<String> gone;
        try {
            gone = cache.touchAll(ttls);
        } catch (MeshException e) {
            LOG.warn("{} agents seen, but Redis was not refreshed: {}", ttls.size(), e.getMessage());
            return false;
        }
        if (gone.isEmpty()) {
            return true;
        }
        List<AgentRecord> lost;
        try {
            lost = PostgresFailures.call(() -> dao.findActive(gone));
        } catch (RuntimeException e) {
            // Redis has the rest; these come back with the next sign of life
            LOG.warn("{} agents seen, but the live entries Redis had lost could not be read back from PostgreSQL: {}",
                    gone.size(), e.toString());
            return true;
        }
        try {
            for (AgentRecord r : lost) {
                cache.put(view(r));
            }
            return true;
        } catch (MeshException e) {
            LOG.warn("{} agents seen, but Redis was not refreshed: {}", ttls.size(), e.getMessage());
            return false;
        }
    }

    /**
     * Marks expired every agent not seen for longer than its TTL and tells the router (a registry
     * record with status expired); their live entries leave Redis. Returns them.
     */
    public List<AgentView> expireOverdue() {
        List<AgentRecord> expired = PostgresFailures.call(() -> dao.jdbi().inTransaction(h -> {
            List<AgentRecord> rows = dao.expireOverdue(h, cache.ttl().toMillis());
            KafkaFailures.awaitAll(publish(rows), "registry");
            return rows;
        }));
        for (AgentRecord r : expired) {
            LOG.info("agent {} expired: not seen since {} (ttl {} ms, last via {})", r.id(), r.lastHeartbeat(),
                    r.heartbeatTtlMs() == null ? cache.ttl().toMillis() : r.heartbeatTtlMs(), r.seenVia());
            try {
                cache.remove(r.id());
            } catch (MeshException e) {
                LOG.warn("agent {} expired but its Redis entry could not be removed: {}", r.id(), e.getMessage());
            }
        }
        return expired.stream().map(this::view).toList();
    }

    private List<CompletableFuture<?>> publish(List<AgentRecord> rows) {
        return rows.stream().<CompletableFuture<?>>map(r -> registryPublisher.publish(r.toRegistryEntry())).toList();
    }

    private AgentView view(AgentRecord r) {
        return AgentView.of(r, topics.inbox(r.id()), cache.ttl());
    }
}
