-- How an agent takes its messages: 'pull' (streams, long-poll, SSE, Kafka directly) or 'push'
-- (the mesh POSTs each message to its endpoint).
ALTER TABLE agents ADD COLUMN delivery TEXT NOT NULL DEFAULT 'pull' CHECK (delivery IN ('pull', 'push'));
