package io.agentmesh.service.dlq;

import io.agentmesh.service.common.LogText;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.kafka.MessagePublisher;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.envelope.Target;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Puts dead letters back on {@code mesh.ingress}, where they pass dedupe and routing again. The
 * audit rows and the writes happen in one Postgres transaction that commits only after Kafka has
 * every replayed record, so a dead letter is never marked replayed without having been, and without
 * {@code force} one is never replayed twice.
 */
public final class DlqReplayer {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.routing");
    private static final long MAX_SCAN = 1_000_000;

    private final DeadLetterReader reader;
    private final MessagePublisher publisher;
    private final ReplayAuditDao audit;
    private final MeshTopics topics;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final java.util.function.Supplier<String> dlqTopicId;

    /** {@code dlqTopicId}: the Kafka topic id of the DLQ topic, which names its dead letters with their positions. */
    public DlqReplayer(DeadLetterReader reader, MessagePublisher publisher, ReplayAuditDao audit, MeshTopics topics,
                       ObjectMapper mapper, Clock clock, java.util.function.Supplier<String> dlqTopicId) {
        this.dlqTopicId = dlqTopicId;
        this.reader = reader;
        this.publisher = publisher;
        this.audit = audit;
        this.topics = topics;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * What a replay did — or, for a dry run, would do ({@code would_replay} instead of
     * {@code replayed}); {@code more} says more matching dead letters wait beyond {@code max};
     * {@code left} (for a filter or {@code all}) how many matching dead letters not yet replayed this
     * request left for the next one (counted up to 10,000: that figure means "at least"), and
     * {@code skipped_expired} how many EXPIRED ones it passed over because no {@code edit.expires_at}
     * was given.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Result(@JsonProperty("replay_id") long replayId,
                         @JsonProperty("dry_run") boolean dryRun,
                         @JsonProperty("selected") int selected,
                         @JsonProperty("replayed") Integer replayed,
                         @JsonProperty("would_replay") Integer wouldReplay,
                         @JsonProperty("skipped_already_replayed") int skippedAlreadyReplayed,
                         @JsonProperty("more") boolean more,
                         @JsonProperty("left") Long left,
                         @JsonProperty("skipped_expired") Integer skippedExpired,
                         @JsonProperty("dlq_ids") List<String> ids) {
    }

    public Result replay(ReplayRequest request, String operator) {
        int max = request.max() == null ? 1000 : request.max();
        if (max < 1 || max > 10_000) {
            throw MeshException.invalidField("max", "must be 1..10000");
        }
        byte[] newPayload = payloadEdit(request);
        String newTarget = targetEdit(request);
        Expiry newExpiry = expiryEdit(request);
        String topicId = dlqTopicId.get();
        Selection selection = select(request, max, topicId, newExpiry == null);
        requireFreshExpiry(selection.letters(), newExpiry);
        Set<String> before = request.isForced() ? Set.of() : audit.alreadyReplayed(topicId, selection.letters());
        List<DeadLetter> todo = selection.letters().stream()
                .filter(d -> !before.contains(d.dlqId())).toList();
        int skipped = selection.skipped() + selection.letters().size() - todo.size();
        List<String> ids = todo.stream().map(DeadLetter::dlqId).toList();
        if (request.isDryRun()) {
            return new Result(0, true, selection.letters().size() + selection.skipped(), null, todo.size(), skipped,
                    selection.more(), selection.left(), selection.skippedExpired(), ids);
        }
        String requestJson = json(request);
        List<String> replayedIds = new ArrayList<>();
        long replayId = audit.jdbi().inTransaction(h -> {
            long id = audit.startReplay(h, operator, requestJson, request.isForced());
            List<CompletableFuture<RecordMetadata>> writes = new ArrayList<>();
            for (DeadLetter d : todo) {
                if (audit.markReplayed(h, id, topicId, d, request.isForced())) {
                    replayedIds.add(d.dlqId());
                    writes.add(publisher.publish(record(d, id, newPayload, newTarget, newExpiry),
                            "replay dead letter " + d.dlqId()));
                }
            }
            KafkaFailures.awaitAll(writes, "replay dead letters");
            audit.finishReplay(h, id, replayedIds.size(), selection.skipped() + selection.letters().size() - replayedIds.size());
            return id;
        });
        int skippedTotal = selection.skipped() + selection.letters().size() - replayedIds.size();
        LOG.info("replay {} by {}: {} replayed, {} skipped as replayed before, {} left", replayId, LogText.clean(operator),
                replayedIds.size(), skippedTotal, selection.left());
        return new Result(replayId, false, selection.letters().size() + selection.skipped(), replayedIds.size(), null,
                skippedTotal, selection.more(), selection.left(), selection.skippedExpired(), replayedIds);
    }

    /**
     * What a request selected: the dead letters to replay, how many matching ones were passed over as
     * replayed before ({@code skipped}), whether more match, and (for a filter or {@code all}) how
     * many matching dead letters not yet replayed remain after these.
     */
    private record Selection(List<DeadLetter> letters, int skipped, boolean more, Long left, Integer skippedExpired) {
    }

    /** {@code left} is counted up to this many (a bound on how much of the topic one request reads past max). */
    static final int LEFT_COUNTED_UP_TO = 10_000;

    /** {@code skipExpired}: no new expiry was given, so EXPIRED dead letters a filter matches are passed over. */
    private Selection select(ReplayRequest r, int max, String topicId, boolean skipExpired) {
        boolean byIds = r.ids() != null && !r.ids().isEmpty();
        boolean byFilter = r.filter() != null;
        boolean all = Boolean.TRUE.equals(r.all());
        if ((byIds ? 1 : 0) + (byFilter ? 1 : 0) + (all ? 1 : 0) != 1) {
            throw MeshException.invalid("say what to replay with exactly one of \"ids\", \"filter\" or \"all\": true");
        }
        if (byIds) {
            if (r.ids().size() > max) {
                throw MeshException.invalidField("ids", "at most " + max + " per request");
            }
            List<DeadLetter> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String id : new java.util.LinkedHashSet<>(r.ids())) {
                reader.get(id).ifPresentOrElse(found::add, () -> missing.add(id));
            }
            if (!missing.isEmpty()) {
                throw new MeshException(ErrorCode.NOT_FOUND, "no dead letter " + String.join(", ", missing)
                        + " on " + topics.dlq() + "; nothing was replayed", Map.of("missing", missing));
            }
            return new Selection(found, 0, false, null, null);
        }
        if (byFilter && r.filter().isEmpty()) {
            throw MeshException.invalidField("filter", "is empty, which would select every dead letter: "
                    + "name a reason, target, sender or time range, or say \"all\": true");
        }
        DeadLetterFilter filter = byFilter ? r.filter().validated() : DeadLetterFilter.ALL;
        // page through the topic, passing over what was replayed before (unless forced) and, without a
        // new expiry, what EXPIRED, until max are chosen; then count what is left so the answer can say so
        List<DeadLetter> chosen = new ArrayList<>();
        int skipped = 0;
        int expired = 0;
        long left = 0;
        long scanned = 0;
        String cursor = null;
        do {
            DeadLetterReader.Page page = reader.list(filter, Math.max(max, 1000), cursor, MAX_SCAN - scanned);
            scanned += page.scanned();
            Set<String> before = r.isForced() ? Set.of() : audit.alreadyReplayed(topicId, page.items());
            for (DeadLetter d : page.items()) {
                if (before.contains(d.dlqId())) {
                    if (chosen.size() < max) {
                        skipped++;
                    }
                } else if (skipExpired && "EXPIRED".equals(d.reason())) {
                    expired++;
                } else if (chosen.size() < max) {
                    chosen.add(d);
                } else {
                    left++;
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null && scanned < MAX_SCAN && left < LEFT_COUNTED_UP_TO);
        return new Selection(chosen, skipped, left > 0 || cursor != null, left, expired);
    }

    /** A new expiry for replayed messages: {@code clear} removes it, else {@code at} replaces it. */
    private record Expiry(boolean clear, java.time.Instant at) {
    }

    private static Expiry expiryEdit(ReplayRequest r) {
        if (r.edit() == null || r.edit().expiresAt() == null || r.edit().expiresAt().isMissingNode()) {
            return null;
        }
        if (r.edit().expiresAt().isNull()) {
            return new Expiry(true, null);
        }
        try {
            java.time.Instant at = java.time.Instant.parse(r.edit().expiresAt().asText());
            if (!r.edit().expiresAt().isTextual() || !at.isAfter(java.time.Instant.now())) {
                throw new java.time.format.DateTimeParseException("past", r.edit().expiresAt().asText(), 0);
            }
            return new Expiry(false, at);
        } catch (java.time.format.DateTimeParseException e) {
            throw MeshException.invalidField("edit.expires_at", "must be a future ISO-8601 time such as "
                    + "2026-12-01T10:00:00Z, or null to clear it");
        }
    }

    /** Replaying an expired message as it is would only dead-letter it again at once. */
    private static void requireFreshExpiry(List<DeadLetter> letters, Expiry edit) {
        if (edit != null) {
            return;
        }
        List<String> expired = letters.stream().filter(d -> "EXPIRED".equals(d.reason())).map(DeadLetter::dlqId)
                .limit(20).toList();
        if (!expired.isEmpty()) {
            throw new MeshException(ErrorCode.INVALID_REQUEST, "dead letters " + String.join(", ", expired)
                    + " expired: replayed unchanged they would expire again at once; give \"edit\": {\"expires_at\": "
                    + "<a later time, or null to clear it>}, or leave them out of the selection",
                    Map.of("field", "edit.expires_at", "expired", expired));
        }
    }

    private ProducerRecord<byte[], byte[]> record(DeadLetter d, long replayId, byte[] newPayload, String newTarget,
                                                  Expiry newExpiry) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : d.headers()) {
            String k = h.key();
            if (k.startsWith("mesh_dlq_") || k.equals(MeshHeaders.TARGET) || k.equals(MeshHeaders.DELIVERY)
                    || k.equals(MeshHeaders.ATTEMPT) || k.equals(MeshHeaders.REPLAY_OF) || k.equals(MeshHeaders.REPLAY)) {
                continue;
            }
            if (newPayload != null && k.equals(MeshHeaders.CONTENT_TYPE)) {
                continue;
            }
            if (newTarget != null && k.equals(MeshHeaders.TO)) {
                continue;
            }
            if (newExpiry != null && k.equals(MeshHeaders.CE_PREFIX + MeshHeaders.EXT_EXPIRES_AT)) {
                continue;
            }
            headers.add(h);
        }
        if (newPayload != null) {
            headers.add(MeshHeaders.CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
        }
        if (newTarget != null) {
            headers.add(MeshHeaders.TO, newTarget.getBytes(StandardCharsets.UTF_8));
        }
        if (newExpiry != null && !newExpiry.clear()) {
            headers.add(MeshHeaders.CE_PREFIX + MeshHeaders.EXT_EXPIRES_AT,
                    newExpiry.at().toString().getBytes(StandardCharsets.UTF_8));
        }
        headers.add(MeshHeaders.REPLAY_OF, d.dlqId().getBytes(StandardCharsets.UTF_8));
        // the router dedupes a replay by this, not by the message id its first delivery left in the window
        headers.add(MeshHeaders.REPLAY, (replayId + "/" + d.dlqId()).getBytes(StandardCharsets.UTF_8));
        byte[] value = newPayload != null ? newPayload : d.message().payload();
        return new ProducerRecord<>(topics.ingress(), null, clock.millis(), d.key(), value, headers);
    }

    private byte[] payloadEdit(ReplayRequest r) {
        if (r.edit() == null || r.edit().payload() == null || r.edit().payload().isMissingNode()) {
            return null;
        }
        try {
            return mapper.writeValueAsBytes(r.edit().payload());
        } catch (JsonProcessingException e) {
            throw MeshException.invalidField("edit.payload", "cannot be serialized");
        }
    }

    private static String targetEdit(ReplayRequest r) {
        if (r.edit() == null || r.edit().to() == null) {
            return null;
        }
        try {
            return Target.parse(r.edit().to()).toString();
        } catch (IllegalArgumentException e) {
            throw new MeshException(ErrorCode.INVALID_TARGET, "edit.to: " + e.getMessage(), Map.of("field", "edit.to"));
        }
    }

    private String json(ReplayRequest request) {
        try {
            Map<String, Object> copy = new LinkedHashMap<>(mapper.convertValue(request, Map.class));
            // a payload edit may hold NUL (a message payload may); Postgres's jsonb cannot, so the audit
            // copy writes it as the six characters \u0000
            return mapper.writeValueAsString(io.agentmesh.service.common.StorableJson.escaped(copy));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return "{}";
        }
    }
}
