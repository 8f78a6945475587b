-- Durable registry: one row per agent ever registered (deregistered rows are kept).
CREATE TABLE agents (
    id           TEXT PRIMARY KEY,
    name         TEXT        NOT NULL,
    namespace    TEXT        NOT NULL,
    capabilities JSONB       NOT NULL DEFAULT '[]'::jsonb,
    endpoint     TEXT,
    metadata     JSONB       NOT NULL DEFAULT '{}'::jsonb,
    status       TEXT        NOT NULL CHECK (status IN ('active', 'expired', 'deregistered')),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX agents_namespace_idx ON agents (namespace);
CREATE INDEX agents_status_idx ON agents (status);
CREATE INDEX agents_capabilities_idx ON agents USING GIN (capabilities jsonb_path_ops);
