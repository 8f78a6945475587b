package io.agentmesh.service.registry;

import io.agentmesh.service.common.OutboundGuard;
import io.agentmesh.service.db.PostgresFailures;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.kafka.TopicAdmin;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.topics.AgentIds;
import io.agentmesh.streams.topics.MeshTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Registration, lookup and deregistration. Postgres holds the durable record, the inbox topic and
 * the registry record are written inside the Postgres transaction (a Kafka failure rolls it back),
 * Redis holds the live entry (best effort: its failure degrades, it does not fail a registration).
 */
public final class AgentRegistry {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");
    private static final Pattern TOKEN = Pattern.compile("[a-z0-9._-]{1,64}");
    private static final Duration ROUTER_WAIT = Duration.ofSeconds(5);
    /** Metadata key of an A2A agent's card URL (where the mesh fetches and refreshes its card). */
    public static final String CARD_URL = "a2a_card_url";

    private final AgentValidator validator;
    private final AgentDao dao;
    private final TopicAdmin topicAdmin;
    private final RegistryPublisher registryPublisher;
    private final AgentCache cache;
    private final RouterView router;
    private final MeshTopics topics;
    private final OutboundGuard outbound;
    private final RemoteCards remoteCards;

    public AgentRegistry(AgentValidator validator, AgentDao dao, TopicAdmin topicAdmin,
                         RegistryPublisher registryPublisher, AgentCache cache, RouterView router, MeshTopics topics,
                         OutboundGuard outbound, RemoteCards remoteCards) {
        this.outbound = outbound;
        this.remoteCards = remoteCards;
        this.validator = validator;
        this.dao = dao;
        this.topicAdmin = topicAdmin;
        this.registryPublisher = registryPublisher;
        this.cache = cache;
        this.router = router;
        this.topics = topics;
    }

    public record Registration(AgentView agent, boolean created) {
    }

    /** Registers as in open mode: the body's owner is the owner. */
    public Registration register(RegisterCommand raw) {
        return register(raw, new Ownership(raw.owner(), false, raw.owner()));
    }

    Registration register(RegisterCommand raw, Ownership ownership) {
        return register(check(raw, ownership));
    }

    /** Registers a checked registration: its inbox, its record and registry record, the router's view. */
    Registration register(Checked c) {
        // the inbox first, outside the transaction (it does not hold a connection while Kafka's
        // controller works); a registration refused afterwards (a race with another owner) leaves an
        // empty topic, which the id's next registration reuses
        topicAdmin.ensureInbox(c.id());
        Registration r = store(c);
        awaitRouter(List.of(c.id()));
        return r;
    }

    /** A registration that passed every check made before anything is written: ready to store. */
    record Checked(RegisterCommand command, Ownership ownership) {
        String id() {
            return command.id();
        }
    }

    /** One registration of several: what it registered, or why it was refused (a MeshException or not). */
    record Outcome(Registration registration, RuntimeException refused) {
    }

    /** Validates a registration and checks who may make it; nothing is written. */
    Checked check(RegisterCommand raw, Ownership ownership) {
        RegisterCommand c = validator.validate(withRemoteCard(raw));
        // what the mesh itself will connect to must not point into its own network
        if (AgentRecord.pushed(c.delivery()) && c.endpoint() != null) {
            outbound.requireAllowed("endpoint", java.net.URI.create(c.endpoint()));
        }
        if (c.healthUrl() != null && !c.healthUrl().isEmpty()) {
            outbound.requireAllowed("health_url", java.net.URI.create(c.healthUrl()));
        }
        // an id another owner holds is refused before anything is made for it (checked again, locked,
        // when it is stored)
        if (!ownership.override()) {
            Optional<Optional<String>> known = postgres(() -> dao.owner(c.id()));
            if (known.isPresent()) {
                requireSameOwner(c.id(), ownership.owner(), known.get().orElse(null), ownership.strict());
            }
        }
        return new Checked(c, ownership);
    }

    /**
     * Registers checked registrations together, answering each in the order given: their inboxes
     * are created in one request, their records stored in one transaction (owners locked in id
     * order) with their registry records awaited once, and the router awaited once for all. When
     * that transaction fails as a whole (a Kafka write, a deadlock, one row Postgres refuses), each is
     * stored again on its own, as a single registration is, so one bad item fails alone.
     */
    List<Outcome> registerAll(List<Checked> checked) {
        Outcome[] out = new Outcome[checked.size()];
        List<java.util.concurrent.CompletableFuture<String>> inboxes = new java.util.ArrayList<>(checked.size());
        for (Checked c : checked) {
            inboxes.add(topicAdmin.createInbox(c.id()));
        }
        List<Integer> ready = new java.util.ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            try {
                KafkaFailures.await(inboxes.get(i), "create inbox topic " + topics.inbox(checked.get(i).id()));
                ready.add(i);
            } catch (RuntimeException e) {
                out[i] = new Outcome(null, e);
            }
        }
        // ids are [a-z0-9._-]: Java's order is Postgres's "C" order, the order rows are locked in
        ready.sort(java.util.Comparator.comparing(i -> checked.get(i).id()));
        Map<Integer, RuntimeException> refused = new java.util.HashMap<>();
        java.util.concurrent.atomic.AtomicBoolean published = new java.util.concurrent.atomic.AtomicBoolean();
        Map<Integer, AgentDao.Upsert> stored;
        try {
            stored = postgres(() -> dao.jdbi().inTransaction(h -> {
                refused.clear();
                Map<String, Optional<String>> owners = dao.lockOwners(h, ready.stream().map(i -> checked.get(i).id()).toList());
                Map<Integer, AgentDao.Upsert> done = new java.util.LinkedHashMap<>();
                for (int i : ready) {
                    Checked c = checked.get(i);
                    try {
                        done.put(i, upsert(h, c, Optional.ofNullable(owners.get(c.id()))));
                    } catch (MeshException e) {
                        refused.put(i, e);
                    }
                }
                // registry records only once every row is written: a failed row rolls back before any is out
                List<java.util.concurrent.CompletableFuture<?>> writes = new java.util.ArrayList<>();
                published.set(true);
                for (AgentDao.Upsert u : done.values()) {
                    writes.add(registryPublisher.publish(u.agent().toRegistryEntry()));
                }
                KafkaFailures.awaitAll(writes, "registry");
                return done;
            }));
        } catch (RuntimeException whole) {
            List<Integer> failed = ready.stream().filter(i -> !refused.containsKey(i)).toList();
            refused.forEach((i, e) -> out[i] = new Outcome(null, e));
            if (whole instanceof MeshException m && (m.code() == ErrorCode.KAFKA_UNAVAILABLE
                    || m.code() == ErrorCode.DEPENDENCY_UNAVAILABLE)) {
                // a dependency is down: each would wait out the same timeout again; each is told to retry
                LOG.warn("{} registrations not stored: {}", failed.size(), m.getMessage());
                failed.forEach(i -> out[i] = new Outcome(null, m));
            } else {
                LOG.warn("{} registrations stored one by one: storing them together failed ({})", failed.size(),
                        whole.toString());
                for (int i : failed) {
                    try {
                        out[i] = new Outcome(store(checked.get(i)), null);
                    } catch (RuntimeException e) {
                        out[i] = new Outcome(null, e);
                    }
                }
            }
            if (published.get()) {
                // some registry records may be out for rows that were rolled back: write what Postgres holds
                correctRegistry(failed.stream().filter(i -> out[i].registration() == null).map(i -> checked.get(i).id())
                        .toList());
            }
            awaitRouter(failed.stream().filter(i -> out[i].registration() != null).map(i -> checked.get(i).id()).toList());
            return List.of(out);
        }
        refused.forEach((i, e) -> out[i] = new Outcome(null, e));
        stored.forEach((i, u) -> {
            try {
                out[i] = new Outcome(finish(u), null);
            } catch (RuntimeException e) {
                LOG.error("agent {} stored, but its answer could not be made", u.agent().id(), e);
                out[i] = new Outcome(null, e);
            }
        });
        awaitRouter(stored.keySet().stream().map(i -> checked.get(i).id()).toList());
        return List.of(out);
    }

    /**
     * Best effort, after a batch's transaction rolled back with some of its registry records
     * written: each id's record as Postgres holds it, a tombstone where it holds none. What cannot be
     * written now is logged (the registry topic is rebuilt from Postgres by {@code republishAll}).
     */
    private void correctRegistry(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            List<java.util.concurrent.CompletableFuture<?>> writes = new java.util.ArrayList<>();
            for (String id : ids) {
                Optional<AgentRecord> row = postgres(() -> dao.find(id));
                writes.add(row.isPresent() ? registryPublisher.publish(row.get().toRegistryEntry())
                        : registryPublisher.tombstone(id));
            }
            KafkaFailures.awaitAll(writes, "registry");
        } catch (RuntimeException e) {
            LOG.error("registry records of {} agent(s) may not match Postgres until the registry is republished: {}",
                    ids.size(), e.toString());
        }
    }

    /** Stores one checked registration in its own transaction (its inbox exists). */
    private Registration store(Checked c) {
        AgentDao.Upsert upsert = postgres(() -> dao.jdbi().inTransaction(h -> {
            AgentDao.Upsert u = upsert(h, c, dao.lockOwner(h, c.id()));
            KafkaFailures.await(registryPublisher.publish(u.agent().toRegistryEntry()), "registry");
            return u;
        }));
        return finish(upsert);
    }

    /**
     * Writes the record if this caller may: checked against the locked owner, and again by the
     * upsert itself against a row another transaction inserted meanwhile (a new id is not locked).
     */
    private AgentDao.Upsert upsert(org.jdbi.v3.core.Handle h, Checked c, Optional<Optional<String>> existing) {
        requireMayStore(c, existing);
        Ownership o = c.ownership();
        return dao.upsert(h, c.command().withOwner(resolveOwner(c, existing)), o.override(), o.owner(), o.strict())
                .orElseThrow(() -> idTaken(c.id()));
    }

    /** {@code existing}: the stored record's owner, locked (empty inside: it has none); empty: the id is new. */
    private static void requireMayStore(Checked c, Optional<Optional<String>> existing) {
        if (existing.isPresent() && !c.ownership().override()) {
            requireSameOwner(c.id(), c.ownership().owner(), existing.get().orElse(null), c.ownership().strict());
        }
    }

    private static String resolveOwner(Checked c, Optional<Optional<String>> existing) {
        return c.ownership().resolve(existing.isPresent(), existing.flatMap(o -> o).orElse(null));
    }

    /** What is done once a registration is stored: its live entry, the log line, the answer. */
    private Registration finish(AgentDao.Upsert upsert) {
        AgentView view = view(upsert.agent());
        cacheQuietly(view);
        LOG.info("agent {} {} (namespace {}, capabilities {})", view.id(),
                upsert.inserted() ? "registered" : "re-registered", view.namespace(), view.capabilities());
        return new Registration(view, upsert.inserted());
    }

    /**
     * An agent behind an A2A server, registered by its server's URL: its card is fetched (the mesh
     * connects there, so the URL passes the outbound rules first), the card's JSON-RPC interface
     * becomes its endpoint and the URL it was found at is kept in its metadata as
     * {@value #CARD_URL}. A registration that brings its card is taken as it is.
     */
    private RegisterCommand withRemoteCard(RegisterCommand raw) {
        if (!AgentRecord.A2A.equals(raw.delivery()) || raw.card() != null || raw.endpoint() == null
                || raw.endpoint().isBlank()) {
            return raw;
        }
        URI url;
        try {
            url = new URI(raw.endpoint());
        } catch (java.net.URISyntaxException e) {
            throw MeshException.invalidField("endpoint", "'" + raw.endpoint() + "' is not a URL: " + e.getMessage());
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw MeshException.invalidField("endpoint", "'" + raw.endpoint() + "' is not an http(s) URL");
        }
        outbound.requireAllowed("endpoint", url);
        RemoteCards.Remote remote = remoteCards.fetch(url);
        Map<String, Object> metadata = new java.util.LinkedHashMap<>(raw.metadata() == null ? Map.of() : raw.metadata());
        metadata.put(CARD_URL, remote.cardUrl());
        return new RegisterCommand(raw.id(), raw.name(), raw.namespace(), raw.capabilities(), remote.rpcUrl(), metadata,
                raw.owner(), raw.heartbeatTtlMs(), remote.card(), raw.delivery(), raw.healthUrl());
    }

    public AgentView get(String id) {
        requireValidId(id);
        return postgres(() -> dao.find(id)).map(this::view)
                .orElseThrow(() -> notFound(id));
    }

    public List<AgentView> list(String capability, String namespace, int limit, int offset) {
        if (capability != null && !TOKEN.matcher(capability).matches()) {
            throw MeshException.invalidField("capability", "'" + capability + "' must be 1-64 characters of [a-z0-9._-]");
        }
        if (namespace != null && !TOKEN.matcher(namespace).matches()) {
            throw MeshException.invalidField("namespace", "'" + namespace + "' must be 1-64 characters of [a-z0-9._-]");
        }
        if (limit < 1 || limit > 1000) {
            throw MeshException.invalidField("limit", "must be between 1 and 1000");
        }
        if (offset < 0) {
            throw MeshException.invalidField("offset", "may not be negative");
        }
        return postgres(() -> dao.list(capability, namespace, limit, offset)).stream().map(this::view).toList();
    }

    /** Active agents with webhook push and an endpoint, from Postgres (an indexed few, not every agent). */
    public List<AgentView> listPushTargets() {
        return postgres(dao::activePush).stream().map(this::view).toList();
    }

    /** Registered agents behind A2A servers (active or expired), as stored, cards included. */
    public List<AgentRecord> listRemoteA2a() {
        return postgres(dao::remoteA2a);
    }

    /** The ids of every agent that is not deregistered (active or expired), from Postgres. */
    public List<String> presentIds() {
        return postgres(dao::presentIds);
    }

    /** Every agent (any status) matching the filters, from Postgres. */
    public List<AgentView> listAll(String capability, String namespace) {
        return postgres(dao::all).stream()
                .filter(a -> capability == null || a.capabilities().contains(capability))
                .filter(a -> namespace == null || a.namespace().equals(namespace))
                .map(this::view).toList();
    }

    /** Replaces an existing agent's record (404 when there is none); the id comes from the path. */
    public AgentView update(String id, RegisterCommand changes) {
        return update(id, changes, new Ownership(changes.owner(), false, changes.owner()));
    }

    AgentView update(String id, RegisterCommand changes, Ownership ownership) {
        requireValidId(id);
        if (changes.id() != null && !changes.id().isEmpty() && !changes.id().equals(id)) {
            throw MeshException.invalidField("id", "'" + changes.id() + "' differs from the path id '" + id + "'");
        }
        if (postgres(() -> dao.find(id)).isEmpty()) {
            throw notFound(id);
        }
        return register(changes.withId(id), ownership).agent();
    }

    /**
     * How many agents a namespace or broadcast message reaches at most (from the live index, which
     * may still hold a few expired ids); empty when Redis cannot say or the target is one agent.
     */
    public java.util.OptionalLong fanOutSize(io.agentmesh.streams.envelope.Target target) {
        try {
            return switch (target.kind()) {
                case BROADCAST -> java.util.OptionalLong.of(cache.size());
                case NAMESPACE -> java.util.OptionalLong.of(cache.namespaceSize(target.value()));
                default -> java.util.OptionalLong.empty();
            };
        } catch (MeshException e) {
            return java.util.OptionalLong.empty();
        }
    }

    public Map<String, Long> countByStatus() {
        return postgres(dao::countByStatus);
    }

    /**
     * Deregisters an agent. An id that has an owner is deregistered only by that owner, the same
     * rule as registering it again (409 AGENT_ID_TAKEN otherwise).
     */
    public AgentView deregister(String id, String owner) {
        return deregister(id, new Ownership(owner, false, owner));
    }

    AgentView deregister(String id, Ownership ownership) {
        requireValidId(id);
        AgentRecord gone = postgres(() -> dao.jdbi().inTransaction(h -> {
            dao.lockOwner(h, id).ifPresent(registered -> {
                if (!ownership.override() && registered.isPresent() && !registered.get().equals(ownership.owner())) {
                    throw new MeshException(ErrorCode.AGENT_ID_TAKEN, "agent id '" + id + "' belongs to another owner: "
                            + "deregister it as that owner", Map.of("id", id));
                }
            });
            AgentRecord r = dao.markDeregistered(h, id).orElseThrow(() -> notFound(id));
            // the router dead-letters what is still sent to it; the tombstone follows with the inbox
            KafkaFailures.await(registryPublisher.publish(r.toRegistryEntry()), "registry");
            return r;
        }));
        try {
            cache.remove(id);
        } catch (MeshException e) {
            LOG.warn("agent {} deregistered but its Redis entry could not be removed: {}", id, e.getMessage());
        }
        LOG.info("agent {} deregistered; inbox {} kept", id, topics.inbox(id));
        return view(gone);
    }

    /**
     * Deletes the inbox topics of agents deregistered longer than {@code retention} ago; an agent
     * registered again meanwhile keeps (or gets back) its inbox. Returns the ids whose inbox went.
     */
    public List<String> deleteInboxesPastRetention(Duration retention) {
        List<String> deleted = new java.util.ArrayList<>();
        for (String id : postgres(() -> dao.inboxesPastRetention(retention.toMillis()))) {
            boolean existed = topicAdmin.deleteInbox(id);
            if (!postgres(() -> dao.markInboxDeleted(id))) {
                // registered again meanwhile: it needs its inbox back
                topicAdmin.ensureInbox(id);
                continue;
            }
            KafkaFailures.await(registryPublisher.tombstone(id), "registry");
            deleted.add(id);
            LOG.info("agent {} deregistered more than {} ago: inbox topic {}", id, retention,
                    existed ? "deleted" : "was already gone");
        }
        return deleted;
    }

    /** The A2A AgentCard of an agent: as registered, or made from its registration. */
    public Map<String, Object> card(String id) {
        requireValidId(id);
        AgentRecord r = postgres(() -> dao.find(id)).orElseThrow(() -> notFound(id));
        return AgentCards.cardOf(r);
    }

    /**
     * Writes every Postgres agent to the registry topic again (a tombstone for deregistered ones
     * whose inbox is gone), creating missing inbox topics.
     */
    public Map<String, Integer> republishAll() {
        return republish(postgres(dao::all));
    }

    /** Writes these agents' registry records again (tombstones for deregistered ones whose inbox is gone). */
    public Map<String, Integer> republish(java.util.Collection<String> ids) {
        java.util.Set<String> wanted = new java.util.HashSet<>(ids);
        return republish(postgres(dao::all).stream().filter(r -> wanted.contains(r.id())).toList());
    }

    private Map<String, Integer> republish(List<AgentRecord> all) {
        int records = 0;
        int tombstones = 0;
        List<java.util.concurrent.CompletableFuture<?>> writes = new java.util.ArrayList<>();
        for (AgentRecord r : all) {
            if (r.tombstoned()) {
                writes.add(registryPublisher.tombstone(r.id()));
                tombstones++;
            } else if (AgentRecord.DEREGISTERED.equals(r.status())) {
                writes.add(registryPublisher.publish(r.toRegistryEntry()));
                records++;
            } else {
                topicAdmin.ensureInbox(r.id());
                writes.add(registryPublisher.publish(r.toRegistryEntry()));
                records++;
            }
        }
        KafkaFailures.awaitAll(writes, "registry");
        LOG.info("registry topic rebuilt from Postgres: {} records, {} tombstones", records, tombstones);
        return Map.of("republished", records, "tombstones", tombstones);
    }

    /**
     * Whether a message may be sent to this agent now: it is active, or expired (it may come back:
     * the router retries, then dead-letters). The router's view first, Postgres if it has none.
     */
    public boolean isRoutable(String id) {
        if (router.available() && router.find(id).map(e -> e.routable()).orElse(false)) {
            return true;
        }
        return postgres(() -> dao.find(id)).map(r -> r.active() || AgentRecord.EXPIRED.equals(r.status())).orElse(false);
    }

    /**
     * Refuses (409) reading or acknowledging the inbox of an agent whose messages the mesh pushes:
     * a second reader would deliver them twice.
     */
    public void requireNotPushed(String id) {
        String delivery = router.available() ? router.find(id).filter(RegistryEntry::pushed).map(RegistryEntry::delivery)
                .orElse(null) : postgres(() -> dao.find(id)).map(AgentRecord::delivery).filter(AgentRecord::pushed).orElse(null);
        if (delivery != null) {
            throw new MeshException(ErrorCode.CONFLICT, "agent '" + id + "' takes its messages by webhook push or A2A "
                    + "calls: reading or acknowledging its inbox as well would deliver them twice (register it with "
                    + "delivery pull to read it yourself)", Map.of("agent", id, "delivery", delivery));
        }
    }

    /** Whether this agent was ever registered (its inbox exists). */
    public boolean exists(String id) {
        if (!AgentIds.isValid(id)) {
            return false;
        }
        if (router.available() && router.find(id).isPresent()) {
            return true;
        }
        return postgres(() -> dao.find(id)).isPresent();
    }

    private AgentView view(AgentRecord r) {
        return AgentView.of(r, topics.inbox(r.id()), cache.ttl());
    }

    /** An id that has an owner belongs to it: registering it under another owner (or none) is refused. */
    private static void requireSameOwner(String id, String caller, String registered, boolean strict) {
        if (registered == null ? strict : !registered.equals(caller)) {
            throw idTaken(id);
        }
    }

    private static MeshException idTaken(String id) {
        return new MeshException(ErrorCode.AGENT_ID_TAKEN, "agent id '" + id + "' is registered by another owner",
                Map.of("id", id));
    }

    /** The stored record of an agent, if there is one (any status). */
    Optional<AgentRecord> find(String id) {
        requireValidId(id);
        return postgres(() -> dao.find(id));
    }

    /** The owner an agent has, empty when it has none; 404 when there is no such agent. */
    Optional<String> ownerOf(String id) {
        requireValidId(id);
        return postgres(() -> dao.owner(id)).orElseThrow(() -> notFound(id));
    }

    private void cacheQuietly(AgentView view) {
        try {
            cache.put(view);
        } catch (MeshException e) {
            LOG.warn("agent {} stored, but its live Redis entry was not written: {}", view.id(), e.getMessage());
        }
    }

    /** Waits (bounded, once for all) until the local router sees these agents, so a send right after registration routes. */
    private void awaitRouter(List<String> ids) {
        if (!router.available() || ids.isEmpty()) {
            return;
        }
        java.util.Set<String> unseen = new java.util.LinkedHashSet<>(ids);
        long deadline = System.nanoTime() + ROUTER_WAIT.toNanos();
        while (true) {
            unseen.removeIf(id -> router.find(id).map(e -> e.routable()).orElse(false));
            if (unseen.isEmpty()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("router did not see {} agent(s) within {}: {}", unseen.size(), ROUTER_WAIT,
                unseen.stream().limit(10).toList());
    }

    private static void requireValidId(String id) {
        if (!AgentIds.isValid(id)) {
            throw MeshException.invalidField("id", "'" + id + "' is not a valid agent id: " + AgentIds.RULE);
        }
    }

    private static MeshException notFound(String id) {
        return new MeshException(ErrorCode.AGENT_NOT_FOUND, "no agent '" + id + "' is registered", Map.of("id", id));
    }


    private static <T> T postgres(Supplier<T> call) {
        return PostgresFailures.call(call);
    }
}
