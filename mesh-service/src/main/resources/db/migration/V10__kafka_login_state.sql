-- A login's generation only grows (a deregistered agent's row stays, revoked, so registering it
-- again never hands out an old password), and which generation Kafka was last told of (the
-- leader re-applies a login whose rotation did not reach Kafka).
ALTER TABLE kafka_logins ADD COLUMN applied_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kafka_logins ADD COLUMN revoked_at TIMESTAMPTZ;
