-- Every heartbeat rewrites last_heartbeat and seen_via of its agents (500 rows per call from a host
-- of many agents). The index on last_heartbeat made each of those updates write a new entry in every
-- index of the table (six; 0 of 1,040,000 heartbeat updates were HOT in a 10,000-agent run) and no
-- query used it: the expiry sweep adds each agent's own TTL to last_heartbeat, so Postgres finds
-- the active agents by status and filters them. Without it, and with room left on each page, a
-- heartbeat updates the row in place (HOT), no index touched.
DROP INDEX IF EXISTS agents_active_heartbeat_idx;
ALTER TABLE agents SET (fillfactor = 80);
