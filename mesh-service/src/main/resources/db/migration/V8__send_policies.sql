-- Who the agents of a namespace may address (docs/security.md). A namespace without a row has the
-- default: its own namespace only, no broadcast.
CREATE TABLE send_policies (
    namespace    TEXT PRIMARY KEY,
    namespaces   JSONB       NOT NULL DEFAULT '[]',
    capabilities JSONB       NOT NULL DEFAULT '[]',
    agents       JSONB       NOT NULL DEFAULT '[]',
    broadcast    BOOLEAN     NOT NULL DEFAULT false,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by   TEXT
);
