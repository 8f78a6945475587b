-- A dead letter's position alone does not name it: a new Kafka cluster (or a re-created DLQ
-- topic) under the same database reuses partitions and offsets. The replay guard is keyed by the
-- DLQ topic's Kafka topic id too. Rows from before have '' there: they match a dead letter only
-- when its message id is the same as well.
ALTER TABLE dlq_replayed ADD COLUMN dlq_topic_id TEXT NOT NULL DEFAULT '';
ALTER TABLE dlq_replayed DROP CONSTRAINT dlq_replayed_pkey;
ALTER TABLE dlq_replayed ADD PRIMARY KEY (dlq_topic_id, dlq_partition, dlq_offset);
