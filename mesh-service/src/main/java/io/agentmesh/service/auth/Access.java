package io.agentmesh.service.auth;

/**
 * Who may call an endpoint or RPC. Every REST resource method carries one ({@link Allow}), every
 * RPC has one in the gRPC rule table; a node refuses to start with a method that has none.
 * "Self" is the agent the call is about: the path's {id} over REST, the request's agent id over gRPC.
 */
public enum Access {
    /** Anyone, no credential (node health for load balancers and probes). */
    PUBLIC,
    /** Any agent or operator credential. */
    AUTHENTICATED,
    /** Agents (as themselves) and operators. */
    SEND,
    /** Owners and operators registering agents, or an agent registering itself again. */
    REGISTER,
    /** The agent itself, or viewers. */
    SELF_OR_VIEWER,
    /** The agent itself, or operators (its inbox, its heartbeats). */
    SELF_OR_OPERATOR,
    /** The agent itself, its owner, or operators (update, deregister, rotate its key). */
    MANAGE_AGENT,
    /** Read-only operator views. */
    VIEWER,
    /** Operator actions. */
    OPERATOR,
    /** Credentials, run-time settings, the audit. */
    ADMIN;

    /** Whether a call with this access is an operator action worth an audit record when it changes something. */
    public boolean operatorLevel() {
        return this == OPERATOR || this == ADMIN;
    }
}
