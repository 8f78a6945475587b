-- How an agent was last seen alive (last_heartbeat is when): 'registration', a 'rest' or 'grpc'
-- heartbeat or read of its inbox, its own 'kafka' consumer, or a 'push' it answered.
ALTER TABLE agents ADD COLUMN seen_via TEXT NOT NULL DEFAULT 'registration'
    CHECK (seen_via IN ('registration', 'rest', 'grpc', 'kafka', 'push'));
-- Where the leader's active health checks go; agents without one are judged by being seen.
ALTER TABLE agents ADD COLUMN health_url TEXT;
-- Agents that registered a health URL in their metadata keep it.
UPDATE agents SET health_url = metadata ->> 'health_url' WHERE metadata ? 'health_url';
