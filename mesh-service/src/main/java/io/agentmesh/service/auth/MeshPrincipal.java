package io.agentmesh.service.auth;

import java.security.Principal;

/**
 * Who is calling: an agent (by its id), an operator (by name, with a role), or anyone at all when
 * authentication is off (open mode, dev on loopback), who may do everything.
 */
public record MeshPrincipal(Kind kind, String name, Role role, String namespace) implements Principal {

    public enum Kind { AGENT, OPERATOR, OPEN }

    /** Open mode: no credentials asked, everything allowed, nothing stamped. */
    public static final MeshPrincipal OPEN = new MeshPrincipal(Kind.OPEN, "anonymous", Role.ADMIN, null);

    public static MeshPrincipal agent(String agentId) {
        return new MeshPrincipal(Kind.AGENT, agentId, null, null);
    }

    /** An agent whose identity provider also names its namespace (it may then register itself). */
    public static MeshPrincipal agent(String agentId, String namespace) {
        return new MeshPrincipal(Kind.AGENT, agentId, null, namespace);
    }

    public static MeshPrincipal operator(String name, Role role) {
        return new MeshPrincipal(Kind.OPERATOR, name, role, null);
    }

    @Override
    public String getName() {
        return name;
    }

    public boolean isAgent() {
        return kind == Kind.AGENT;
    }

    public boolean isOpen() {
        return kind == Kind.OPEN;
    }

    /** Whether this caller holds {@code wanted} as an operator (open mode holds everything). */
    public boolean has(Role wanted) {
        return role != null && role.includes(wanted);
    }

    public boolean isOperator() {
        return kind == Kind.OPERATOR;
    }

    /** How the audit and logs name the caller. */
    public String label() {
        return switch (kind) {
            case AGENT -> "agent:" + name;
            case OPERATOR -> "operator:" + name;
            case OPEN -> "anonymous";
        };
    }
}
