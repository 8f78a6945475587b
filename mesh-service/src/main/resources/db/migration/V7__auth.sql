-- Credentials: an agent's API key (issued at registration, rotated on request, revoked when it is
-- deregistered) or an operator's token with a role. Only a hash of the secret is kept.
CREATE TABLE credentials (
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT        NOT NULL CHECK (kind IN ('agent', 'operator')),
    subject    TEXT        NOT NULL,
    role       TEXT CHECK (role IS NULL OR role IN ('owner', 'viewer', 'operator', 'admin')),
    key_hash   TEXT        NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by TEXT,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX credentials_subject_idx ON credentials (kind, subject) WHERE revoked_at IS NULL;

-- Every operator action and every refused call: who, what, on what, and what came of it.
CREATE TABLE audit_log (
    id      BIGSERIAL PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor   TEXT        NOT NULL,
    action  TEXT        NOT NULL,
    target  TEXT,
    outcome TEXT        NOT NULL CHECK (outcome IN ('done', 'denied', 'failed')),
    status  INTEGER,
    detail  TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at DESC);
