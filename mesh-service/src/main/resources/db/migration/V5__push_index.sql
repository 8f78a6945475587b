-- the push dispatcher asks every second which agents want webhook push: answer from an index,
-- not by reading every agent
CREATE INDEX IF NOT EXISTS agents_active_push ON agents (id) WHERE status = 'active' AND delivery = 'push';
