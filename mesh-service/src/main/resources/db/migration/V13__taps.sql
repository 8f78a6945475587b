-- Analytics taps (docs/taps.md): what each tap takes, what it shows of payloads, its topic's retention
-- and the agent whose Kafka login reads it. hmac_key is the tap's key for hashed payloads; it never
-- leaves the mesh. A deleted tap keeps its row (deleted_at) until its topic is deleted after its retention.
CREATE TABLE taps (
    name         TEXT PRIMARY KEY,
    topic        TEXT        NOT NULL,
    filter       JSONB       NOT NULL DEFAULT '{}',
    payload      JSONB       NOT NULL,
    hmac_key     TEXT        NOT NULL,
    retention_ms BIGINT      NOT NULL,
    partitions   INTEGER     NOT NULL,
    reader       TEXT,
    created_by   TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at   TIMESTAMPTZ
);
