package io.agentmesh.service.queues;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Queue statistics, the one-number depth, and purging of old records. */
@Path("/api/v1/queues")
@Produces(MediaType.APPLICATION_JSON)
public final class QueueResource {

    private final QueueStats stats;
    private final QueuePurger purger;
    private final Duration minAge;

    /** {@code minAge}: the youngest records a purge may delete (dry runs excepted). */
    public QueueResource(QueueStats stats, QueuePurger purger, Duration minAge) {
        this.minAge = minAge;
        this.stats = stats;
        this.purger = purger;
    }

    @GET
    @Path("stats")
    @Allow(Access.VIEWER)
    public Map<String, Object> stats() {
        QueueStats.Snapshot s = stats.snapshot();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("depth", s.depth());
        out.put("router_lag", s.routerLag());
        out.put("pending_retries", s.pendingRetries());
        out.put("inbox_backlog", s.inboxBacklog());
        out.put("dlq_size", s.dlqSize());
        out.put("topics", s.topics().stream().map(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", t.topic());
            m.put("kind", t.kind());
            m.put("partitions", t.partitions());
            m.put("messages", t.messages());
            m.put("end_offset", t.endOffset());
            if (t.consumerGroup() != null) {
                m.put("consumer_group", t.consumerGroup());
                m.put("lag", t.lag());
            }
            return m;
        }).toList());
        return out;
    }

    @GET
    @Path("depth")
    @Allow(Access.VIEWER)
    public Map<String, Object> depth() {
        QueueStats.Snapshot s = stats.snapshot();
        return Map.of("depth", s.depth(), "router_lag", s.routerLag(), "pending_retries", s.pendingRetries(),
                "inbox_backlog", s.inboxBacklog());
    }

    @DELETE
    @Path("purge")
    @Allow(Access.OPERATOR)
    public QueuePurger.Result purge(@QueryParam("older_than") String olderThan, @QueryParam("topics") String kinds,
                                    @QueryParam("dry_run") String dryRun) {
        if (olderThan == null || olderThan.isBlank()) {
            throw MeshException.invalidField("older_than", "is required, e.g. older_than=1h (units: s, m, h, d)");
        }
        Duration age;
        try {
            age = Duration.ofMillis(io.dropwizard.util.Duration.parse(olderThan.strip()).toMilliseconds());
        } catch (IllegalArgumentException e) {
            throw MeshException.invalidField("older_than", "'" + olderThan + "' is not a duration like 30m, 1h or 7d");
        }
        boolean dry = "true".equals(dryRun);
        if (!dry && age.compareTo(minAge) < 0) {
            throw new MeshException(io.agentmesh.service.errors.ErrorCode.INVALID_REQUEST, "older_than: must be at least "
                    + minAge.toSeconds() + "s (messages.minPurgeAge): younger messages are in flight or not read yet, and "
                    + "a purge deletes them unacknowledged (a dry run may look at any age)",
                    java.util.Map.of("field", "older_than", "min_seconds", minAge.toSeconds()));
        }
        Set<String> chosen = kinds == null || kinds.isBlank() ? QueuePurger.PURGEABLE
                : new LinkedHashSet<>(Arrays.asList(kinds.split(",")));
        if (!QueuePurger.PURGEABLE.containsAll(chosen)) {
            throw MeshException.invalidField("topics", "choose from " + QueuePurger.PURGEABLE + " (never ingress, registry or health)");
        }
        if (dryRun != null && !dryRun.equals("true") && !dryRun.equals("false")) {
            throw MeshException.invalidField("dry_run", "true or false");
        }
        return purger.purge(age, chosen, "true".equals(dryRun));
    }
}
