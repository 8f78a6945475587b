-- Agents' Kafka logins (kafka.agentAccess): which agents have one and its generation. The password
-- is derived from the deployment's secret, the agent id and the generation; it is never stored.
CREATE TABLE kafka_logins (
    agent_id    TEXT PRIMARY KEY,
    generation  INTEGER     NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
