package io.agentmesh.streams.router;

/**
 * How loaded an agent is: the lag of its inbox (messages not yet acknowledged by consumer group =
 * agent id). Supplied by the host; the topology only reads it.
 */
@FunctionalInterface
public interface LoadView {

    LoadView NONE = agentId -> 0L;

    long lag(String agentId);
}
