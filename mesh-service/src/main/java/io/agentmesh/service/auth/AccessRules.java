package io.agentmesh.service.auth;

/**
 * The decision for one call: allowed, 401 (no or bad credential) or 403 (known caller, not
 * allowed). {@code subject} is the agent the call is about (path {id} or request agent id), null
 * when it names none. An owner passes {@link Access#MANAGE_AGENT} here; whether it owns that
 * agent is checked where the agent's record is at hand (the registry).
 */
public final class AccessRules {

    public enum Decision { ALLOW, UNAUTHENTICATED, FORBIDDEN }

    private AccessRules() {
    }

    public static Decision decide(Access access, MeshPrincipal caller, String subject) {
        if (access == Access.PUBLIC || (caller != null && caller.isOpen())) {
            return Decision.ALLOW;
        }
        if (caller == null) {
            return Decision.UNAUTHENTICATED;
        }
        return allowed(access, caller, subject) ? Decision.ALLOW : Decision.FORBIDDEN;
    }

    private static boolean allowed(Access access, MeshPrincipal caller, String subject) {
        boolean self = caller.isAgent() && subject != null && subject.equals(caller.name());
        return switch (access) {
            case PUBLIC, AUTHENTICATED -> true;
            case SEND -> caller.isAgent() || caller.has(Role.OPERATOR);
            case REGISTER -> caller.isAgent() || caller.has(Role.OWNER);
            case SELF_OR_VIEWER -> self || caller.has(Role.VIEWER);
            case SELF_OR_OPERATOR -> self || caller.has(Role.OPERATOR);
            case MANAGE_AGENT -> self || caller.has(Role.OWNER);
            case VIEWER -> caller.has(Role.VIEWER);
            case OPERATOR -> caller.has(Role.OPERATOR);
            case ADMIN -> caller.has(Role.ADMIN);
        };
    }
}
