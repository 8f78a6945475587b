package io.agentmesh.service.dlq;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The replay audit in Postgres: who replayed what, and which dead letters were replayed. */
public final class ReplayAuditDao {

    private final Jdbi jdbi;

    public ReplayAuditDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * Which of these dead letters (by {@code <partition>-<offset>}) of the DLQ topic {@code topicId}
     * were replayed before. A row written before topic ids were kept ({@code ''}) counts only when
     * its message id is the dead letter's too.
     */
    public Set<String> alreadyReplayed(String topicId, List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return Set.of();
        }
        return jdbi.withHandle(h -> new HashSet<>(h.createQuery(
                        "SELECT r.dlq_partition || '-' || r.dlq_offset FROM dlq_replayed r "
                                + "JOIN unnest(:parts, :offsets, :ids) AS l(p, o, id) "
                                + "ON r.dlq_partition = l.p AND r.dlq_offset = l.o "
                                + "WHERE r.dlq_topic_id = :topic OR (r.dlq_topic_id = '' AND r.message_id = l.id)")
                .bind("topic", topicId)
                .bind("parts", letters.stream().map(DeadLetter::partition).toArray(Integer[]::new))
                .bind("offsets", letters.stream().map(DeadLetter::offset).toArray(Long[]::new))
                .bind("ids", letters.stream().map(d -> d.message().id()).toArray(String[]::new))
                .mapTo(String.class).list()));
    }

    public long startReplay(Handle h, String requestedBy, String requestJson, boolean forced) {
        return h.createQuery("INSERT INTO dlq_replays (requested_by, request, replayed, skipped, dry_run, forced) "
                        + "VALUES (:by, CAST(:request AS jsonb), 0, 0, false, :forced) RETURNING id")
                .bind("by", requestedBy).bind("request", requestJson).bind("forced", forced)
                .mapTo(Long.class).one();
    }

    /**
     * Records that a dead letter is replayed; false when it was replayed before (or is being replayed
     * by a concurrent request) and {@code force} is off. The row lock holds until the transaction ends.
     */
    public boolean markReplayed(Handle h, long replayId, String topicId, DeadLetter d, boolean force) {
        String onConflict = force
                ? "DO UPDATE SET times = dlq_replayed.times + 1, replay_id = :replay, replayed_at = now()"
                : "DO NOTHING";
        return h.createUpdate("INSERT INTO dlq_replayed (dlq_topic_id, dlq_partition, dlq_offset, message_id, replay_id) "
                        + "VALUES (:topic, :p, :o, :id, :replay) ON CONFLICT (dlq_topic_id, dlq_partition, dlq_offset) "
                        + onConflict)
                .bind("topic", topicId).bind("p", d.partition()).bind("o", d.offset()).bind("id", d.message().id())
                .bind("replay", replayId)
                .execute() == 1;
    }

    public void finishReplay(Handle h, long replayId, int replayed, int skipped) {
        h.createUpdate("UPDATE dlq_replays SET replayed = :r, skipped = :s WHERE id = :id")
                .bind("r", replayed).bind("s", skipped).bind("id", replayId).execute();
    }

    /** The newest replays first: who asked, when, for what, and what became of it. */
    public List<java.util.Map<String, Object>> recent(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, requested_by, created_at, request::text AS request, replayed, "
                        + "skipped, forced FROM dlq_replays ORDER BY id DESC LIMIT :limit")
                .bind("limit", limit)
                .map((rs, ctx) -> {
                    java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
                    row.put("replay_id", rs.getLong("id"));
                    row.put("requested_by", rs.getString("requested_by"));
                    row.put("requested_at", rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant().toString());
                    row.put("request", rs.getString("request"));
                    row.put("replayed", rs.getInt("replayed"));
                    row.put("skipped", rs.getInt("skipped"));
                    row.put("forced", rs.getBoolean("forced"));
                    return row;
                }).list());
    }
}
