package io.agentmesh.service.registry;

import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.auth.Role;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;

import java.util.Map;

/**
 * How a caller stands to an agent record's owner. The owner is the authenticated principal, not a
 * body field: an owner credential owns what it registers, an agent keeps the owner it has, an
 * operator may name one. In open mode the body (or {@code ?owner=}) says, as it always did.
 *
 * @param owner      the owner the caller acts as (checked against the registered one unless {@code override})
 * @param override   the caller may change the record whoever owns it (the agent itself, operators)
 * @param ownerIfNew the owner a new record gets
 * @param strict     a record without an owner is not the caller's either (owner credentials: an
 *                   agent registered before authentication, or without an owner, is assigned by an operator)
 */
record Ownership(String owner, boolean override, String ownerIfNew, boolean strict) {

    Ownership(String owner, boolean override, String ownerIfNew) {
        this(owner, override, ownerIfNew, false);
    }

    static Ownership of(MeshPrincipal caller, String bodyOwner) {
        if (caller.isOpen()) {
            return new Ownership(bodyOwner, false, bodyOwner);
        }
        if (caller.isAgent()) {
            requireNoOtherOwner(caller, bodyOwner, null);
            return new Ownership(null, true, caller.name());
        }
        if (caller.has(Role.OPERATOR)) {
            return new Ownership(bodyOwner, true, bodyOwner != null ? bodyOwner : caller.name());
        }
        requireNoOtherOwner(caller, bodyOwner, caller.name());
        return new Ownership(caller.name(), false, caller.name(), true);
    }

    /** The owner the record has after this caller writes it, given the owner it had (null: none or new). */
    String resolve(boolean exists, String registered) {
        if (!exists) {
            return ownerIfNew;
        }
        return override && owner == null ? registered : owner;
    }

    private static void requireNoOtherOwner(MeshPrincipal caller, String bodyOwner, String allowed) {
        if (bodyOwner != null && !bodyOwner.equals(allowed)) {
            throw new MeshException(ErrorCode.FORBIDDEN, "owner: '" + bodyOwner + "' is not yours to name; the owner is "
                    + "taken from your credential (leave owner out)", Map.of("field", "owner", "caller", caller.label()));
        }
    }
}
