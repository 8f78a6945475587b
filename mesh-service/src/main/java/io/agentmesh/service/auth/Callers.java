package io.agentmesh.service.auth;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.core.SecurityContext;

import java.util.Map;

/** The authenticated caller of a REST call, and the checks resources make with it. */
public final class Callers {

    private Callers() {
    }

    /** The caller the access filter established; fails closed when there is none. */
    public static MeshPrincipal of(SecurityContext context) {
        if (context != null && context.getUserPrincipal() instanceof MeshPrincipal p) {
            return p;
        }
        throw new MeshException(ErrorCode.UNAUTHENTICATED, "no authenticated caller");
    }

    /** 403 for an agent acting on another agent's behalf. */
    public static MeshException forbidden(MeshPrincipal caller, String what) {
        return new MeshException(ErrorCode.FORBIDDEN, caller.label() + " may not " + what,
                Map.of("caller", caller.label()));
    }

    /** What an access rule asks of a caller, in words for error messages. */
    public static String needs(Access access) {
        return switch (access) {
            case PUBLIC -> "nothing";
            case AUTHENTICATED -> "any credential";
            case SEND -> "an agent credential or the operator role";
            case REGISTER -> "the owner or operator role, or the agent's own credential";
            case SELF_OR_VIEWER -> "the agent's own credential or the viewer role";
            case SELF_OR_OPERATOR -> "the agent's own credential or the operator role";
            case MANAGE_AGENT -> "the agent's own credential, its owner's, or the operator role";
            case VIEWER -> "the viewer role";
            case OPERATOR -> "the operator role";
            case ADMIN -> "the admin role";
        };
    }

    /** The name an operator action is recorded under: the caller's, or the header's in open mode. */
    public static String operatorName(MeshPrincipal caller, String headerName) {
        if (caller.isOpen()) {
            return headerName == null || headerName.isBlank() ? null : headerName;
        }
        return caller.label();
    }
}
