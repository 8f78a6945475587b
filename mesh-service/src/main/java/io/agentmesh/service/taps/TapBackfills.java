package io.agentmesh.service.taps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryIndex;
import io.agentmesh.streams.taps.AgentDirectory;
import io.agentmesh.streams.taps.TapRecords;
import io.agentmesh.streams.topics.MeshTopics;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Backfills run on the node that was asked, one at a time per tap on that node and at most two at
 * once; the last one of each tap can be looked at there until the node restarts.
 */
public final class TapBackfills {

    private final TapService taps;
    private final MeshTopics topics;
    private final KafkaClientProps props;
    private final ObjectMapper mapper;
    private final Supplier<Collection<RegistryEntry>> agents;
    private final Clock clock;
    private final ExecutorService runner;
    private final Map<String, TapBackfill> last = new ConcurrentHashMap<>();

    public TapBackfills(TapService taps, MeshTopics topics, KafkaClientProps props, ObjectMapper mapper, Supplier<Collection<RegistryEntry>> agents, Clock clock, ExecutorService runner) {
        this.taps = taps;
        this.topics = topics;
        this.props = props;
        this.mapper = mapper;
        this.agents = agents;
        this.clock = clock;
        this.runner = runner;
    }

    /** Starts a backfill of {@code [from, to)} ({@code to} defaults to now). */
    public synchronized Map<String, Object> start(String name, JsonNode body) {
        Tap tap = taps.get(name);
        if (body == null || !body.isObject()) {
            throw MeshException.invalid("request body is required: {\"from\": \"2026-12-01T09:00:00Z\", \"to\": \"2026-12-01T10:00:00Z\"}");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("from") && !f.equals("to")) {
                throw MeshException.invalidField(f, "unknown field; a backfill has from and to");
            }
        });
        Instant now = clock.instant();
        Instant from = time(body, "from", null);
        Instant to = time(body, "to", now);
        if (!from.isBefore(now)) {
            throw MeshException.invalidField("from", "must be in the past: a backfill writes what the mesh already holds");
        }
        if (!from.isBefore(to)) {
            throw MeshException.invalidField("to", "must be after from");
        }
        if (to.isAfter(now)) {
            to = now;
        }
        TapBackfill running = last.get(name);
        if (running != null && running.running()) {
            throw new MeshException(ErrorCode.CONFLICT, "tap '" + name + "' is being backfilled already", running.status());
        }
        RegistryIndex index = new RegistryIndex();
        agents.get().forEach(index::upsert);
        TapBackfill job = new TapBackfill(tap.definition(), from, to, List.of(topics.ingress(), topics.events()), props,
                new TapRecords(AgentDirectory.of(index), mapper), mapper);
        try {
            runner.execute(job);
        } catch (RejectedExecutionException e) {
            throw new MeshException(ErrorCode.TOO_BUSY, "two backfills run on this node already; try again when one is done");
        }
        last.put(name, job);
        return job.status();
    }

    /** The last backfill of a tap on this node. */
    public Map<String, Object> status(String name) {
        taps.get(name);
        TapBackfill job = last.get(name);
        if (job == null) {
            throw new MeshException(ErrorCode.NOT_FOUND, "no backfill of tap '" + name + "' on this node since it started",
                    Map.of("tap", name));
        }
        return job.status();
    }

    private static Instant time(JsonNode body, String field, Instant absent) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (absent == null) {
                throw MeshException.invalidField(field, "is required (RFC 3339, e.g. 2026-12-01T09:00:00Z)");
            }
            return absent;
        }
        try {
            return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            throw MeshException.invalidField(field, "'" + v.asText() + "' is not an RFC 3339 time such as 2026-12-01T09:00:00Z");
        }
    }
}
