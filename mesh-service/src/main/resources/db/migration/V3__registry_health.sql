-- Registry: who owns an id, per-agent heartbeat TTL, the last heartbeat (expiry sweeps read it),
-- the A2A AgentCard as registered, and when an agent was deregistered (inbox retention).
ALTER TABLE agents ADD COLUMN owner TEXT;
ALTER TABLE agents ADD COLUMN heartbeat_ttl_ms BIGINT CHECK (heartbeat_ttl_ms IS NULL OR heartbeat_ttl_ms > 0);
ALTER TABLE agents ADD COLUMN last_heartbeat TIMESTAMPTZ NOT NULL DEFAULT now();
ALTER TABLE agents ADD COLUMN card JSONB;
ALTER TABLE agents ADD COLUMN deregistered_at TIMESTAMPTZ;
ALTER TABLE agents ADD COLUMN inbox_deleted_at TIMESTAMPTZ;
CREATE INDEX agents_active_heartbeat_idx ON agents (last_heartbeat) WHERE status = 'active';

-- Health as the monitor sees it: the checks' verdict (check_status), a manual override, flapping,
-- and the resulting status the router uses (status, also on mesh.health).
CREATE TABLE agent_health (
    agent_id              TEXT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    status                TEXT        NOT NULL CHECK (status IN ('unknown', 'healthy', 'unhealthy', 'flapping')),
    check_status          TEXT        NOT NULL DEFAULT 'unknown' CHECK (check_status IN ('unknown', 'healthy', 'unhealthy')),
    consecutive_failures  INTEGER     NOT NULL DEFAULT 0,
    consecutive_successes INTEGER     NOT NULL DEFAULT 0,
    last_check_at         TIMESTAMPTZ,
    last_check_ok         BOOLEAN,
    last_error            TEXT,
    last_latency_ms       INTEGER,
    override_status       TEXT CHECK (override_status IS NULL OR override_status IN ('healthy', 'unhealthy')),
    override_reason       TEXT,
    override_until        TIMESTAMPTZ,
    flapping              BOOLEAN     NOT NULL DEFAULT false,
    changed_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every health event of an agent, newest kept (bounded per agent by the monitor): a change of the
-- checks' verdict (source 'check': previous -> status), an override set, cleared or expired,
-- flapping starting or ending, a reset. `effective` is the resulting status.
CREATE TABLE agent_health_history (
    id        BIGSERIAL PRIMARY KEY,
    agent_id  TEXT        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    source    TEXT        NOT NULL,
    previous  TEXT        NOT NULL,
    status    TEXT        NOT NULL,
    effective TEXT        NOT NULL,
    reason    TEXT,
    at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX agent_health_history_agent_idx ON agent_health_history (agent_id, id DESC);

-- Settings changed at run time (PUT /api/v1/config); they override config.yml on every node.
CREATE TABLE mesh_settings (
    name       TEXT PRIMARY KEY,
    value      JSONB       NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
