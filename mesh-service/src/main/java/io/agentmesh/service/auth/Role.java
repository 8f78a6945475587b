package io.agentmesh.service.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * An operator credential's role. {@code owner} registers agents (it becomes their owner) and
 * manages those agents; {@code viewer} reads the operator views; {@code operator} acts on the
 * mesh (DLQ replay, purge, inbox replay, drain, reconcile, health overrides, connection resets)
 * and may also view and register; {@code admin} may do everything, credentials and run-time
 * settings included.
 */
public enum Role {
    OWNER,
    VIEWER,
    OPERATOR,
    ADMIN;

    /** Whether a credential with this role may do what {@code wanted} allows. */
    public boolean includes(Role wanted) {
        return granted().contains(wanted);
    }

    private Set<Role> granted() {
        return switch (this) {
            case OWNER -> EnumSet.of(OWNER);
            case VIEWER -> EnumSet.of(VIEWER);
            case OPERATOR -> EnumSet.of(OWNER, VIEWER, OPERATOR);
            case ADMIN -> EnumSet.allOf(Role.class);
        };
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String raw) {
        for (Role r : values()) {
            if (r.wire().equals(raw)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
