package io.agentmesh.service.auth;

import java.util.Locale;

/**
 * Turns what a caller presents ({@code Authorization: Bearer <token>} over REST, the
 * {@code authorization} metadata over gRPC) into who it is: an agent (mesh API key or JWT), an
 * operator (token with a role), or nobody with the reason. With authentication off every caller
 * is {@link MeshPrincipal#OPEN}.
 */
public final class Authenticator {

    /** Who the caller is, or (caller null) why not. */
    public record Outcome(MeshPrincipal caller, String problem) {
        static Outcome refused(String problem) {
            return new Outcome(null, problem);
        }
    }

    private static final Outcome OPEN = new Outcome(MeshPrincipal.OPEN, null);
    private static final Outcome MISSING = Outcome.refused(
            "no credential: send 'Authorization: Bearer <token>' (an agent's api_key, a JWT, or an operator token)");

    private final boolean enabled;
    private final Credentials credentials;
    private final JwtVerifier jwt;
    private final java.util.function.Predicate<String> deregistered;
    private final java.util.function.Predicate<String> registered;

    /** {@code jwt} null: JWTs are not accepted. */
    public Authenticator(boolean enabled, Credentials credentials, JwtVerifier jwt) {
        this(enabled, credentials, jwt, id -> false);
    }

    /**
     * {@code deregistered}: whether an agent was deregistered. A JWT naming such an agent is refused
     * (its keys are revoked at deregistration; an identity provider's token cannot be).
     */
    public Authenticator(boolean enabled, Credentials credentials, JwtVerifier jwt,
                         java.util.function.Predicate<String> deregistered) {
        this(enabled, credentials, jwt, deregistered, id -> true);
    }

    /**
     * {@code registered}: whether an agent is registered and not deregistered. A client certificate
     * speaks only for such an agent (it cannot register one: that is its owner's or an operator's).
     */
    public Authenticator(boolean enabled, Credentials credentials, JwtVerifier jwt,
                         java.util.function.Predicate<String> deregistered,
                         java.util.function.Predicate<String> registered) {
        this.registered = registered;
        this.enabled = enabled;
        this.credentials = credentials;
        this.jwt = jwt;
        this.deregistered = deregistered;
    }

    public boolean enabled() {
        return enabled;
    }

    /** The caller named by an Authorization header (REST) or metadata value (gRPC). */
    public Outcome authenticate(String authorization) {
        return authenticate(authorization, null);
    }

    /**
     * The caller named by an Authorization header, or else by the client certificate the TLS layer
     * verified (mTLS): its subject CN names the agent. A token wins over a certificate.
     */
    public Outcome authenticate(String authorization, java.security.cert.X509Certificate clientCertificate) {
        if (!enabled) {
            return OPEN;
        }
        if ((authorization == null || authorization.isBlank()) && clientCertificate != null) {
            return certificate(clientCertificate);
        }
        if (authorization == null || authorization.isBlank()) {
            return MISSING;
        }
        String value = authorization.strip();
        if (!value.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return Outcome.refused("the credential must be sent as 'Bearer <token>'");
        }
        String token = value.substring(7).strip();
        if (ApiKeys.looksLikeKey(token)) {
            return credentials.lookup(token).map(p -> new Outcome(p, null))
                    .orElseGet(() -> Outcome.refused("unknown or revoked credential"));
        }
        if (JwtVerifier.looksLikeJwt(token)) {
            if (jwt == null) {
                return Outcome.refused("this mesh does not accept JWTs (auth.jwt is not configured)");
            }
            JwtVerifier.Result r = jwt.verify(token);
            if (r.agent() != null && deregistered.test(r.agent().name())) {
                return Outcome.refused("JWT refused: agent '" + r.agent().name() + "' was deregistered; an owner or "
                        + "operator registers it again");
            }
            return new Outcome(r.agent(), r.problem());
        }
        return Outcome.refused("not a mesh credential (keys are mka_ or mko_ followed by 43 characters, as issued) "
                + "nor a JWT");
    }

    private Outcome certificate(java.security.cert.X509Certificate certificate) {
        String id = io.agentmesh.service.tls.ClientCertificates.subjectName(certificate).orElse(null);
        if (id == null || !io.agentmesh.streams.topics.AgentIds.isValid(id)) {
            return Outcome.refused("client certificate: its subject CN must be an agent id, got '"
                    + certificate.getSubjectX500Principal().getName() + "'");
        }
        if (deregistered.test(id)) {
            return Outcome.refused("client certificate refused: agent '" + id + "' was deregistered");
        }
        if (!registered.test(id)) {
            return Outcome.refused("client certificate refused: agent '" + id + "' is not registered (its owner or an "
                    + "operator registers it first)");
        }
        return new Outcome(MeshPrincipal.agent(id), null);
    }
}
