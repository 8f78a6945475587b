-- Audit of dead-letter replays: one row per replay request, one per dead letter replayed.
CREATE TABLE dlq_replays (
    id           BIGSERIAL PRIMARY KEY,
    requested_by TEXT        NOT NULL,
    request      JSONB       NOT NULL,
    replayed     INTEGER     NOT NULL,
    skipped      INTEGER     NOT NULL,
    dry_run      BOOLEAN     NOT NULL,
    forced       BOOLEAN     NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A dead letter is identified by its position on the DLQ topic. Without `force`, one that is
-- here is not replayed again.
CREATE TABLE dlq_replayed (
    dlq_partition INTEGER     NOT NULL,
    dlq_offset    BIGINT      NOT NULL,
    message_id    TEXT,
    replay_id     BIGINT      NOT NULL REFERENCES dlq_replays (id),
    times         INTEGER     NOT NULL DEFAULT 1,
    replayed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (dlq_partition, dlq_offset)
);
