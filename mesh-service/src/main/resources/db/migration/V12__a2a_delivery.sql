-- Agents outside the mesh, registered by the URL of their A2A server: the mesh delivers their
-- messages as A2A calls ('a2a') and keeps them alive while their card answers (seen via 'a2a').
ALTER TABLE agents DROP CONSTRAINT IF EXISTS agents_delivery_check;
ALTER TABLE agents ADD CONSTRAINT agents_delivery_check CHECK (delivery IN ('pull', 'push', 'a2a'));
ALTER TABLE agents DROP CONSTRAINT IF EXISTS agents_seen_via_check;
ALTER TABLE agents ADD CONSTRAINT agents_seen_via_check
    CHECK (seen_via IN ('registration', 'rest', 'grpc', 'kafka', 'push', 'a2a'));
-- the push dispatcher serves both kinds of pushed agents from one index
DROP INDEX IF EXISTS agents_active_push;
CREATE INDEX IF NOT EXISTS agents_active_pushed ON agents (id)
    WHERE status = 'active' AND delivery IN ('push', 'a2a');
