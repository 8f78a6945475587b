package io.agentmesh.service.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.agentmesh.service.config.AuthSettings;
import io.agentmesh.streams.topics.AgentIds;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.Set;

/**
 * Agents of a deployment with an identity provider present its JWTs: signed by a key of the
 * configured JWKS (fetched and cached), from the configured issuer, for the configured audience,
 * not expired, naming the agent in the configured claim.
 */
public final class JwtVerifier {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.EdDSA);

    /** A verified token's agent, or why it was refused. */
    public record Result(MeshPrincipal agent, String problem) {
    }

    private final ConfigurableJWTProcessor<SecurityContext> processor;
    private final String agentClaim;
    private final String namespaceClaim;
    private static final java.util.regex.Pattern NAMESPACE = java.util.regex.Pattern.compile("[a-z0-9._-]{1,64}");

    public JwtVerifier(AuthSettings.JwtSettings settings) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(URI.create(settings.getJwksUrl()).toURL()).retrying(true).build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("auth.jwt.jwksUrl '" + settings.getJwksUrl() + "' is not a URL", e);
        }
        if (settings.getIssuer().isBlank() || settings.getAudience().isBlank()) {
            throw new IllegalArgumentException("auth.jwt needs issuer and audience when jwksUrl is set");
        }
        this.agentClaim = settings.getAgentClaim();
        this.namespaceClaim = settings.getNamespaceClaim();
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(settings.getAudience(),
                new JWTClaimsSet.Builder().issuer(settings.getIssuer()).build(), Set.of("exp", agentClaim)));
    }

    /** Whether the text is shaped like a JWT (three base64url parts). */
    public static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    public Result verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (Exception e) {
            return new Result(null, "JWT refused: " + e.getMessage());
        }
        Object agent = claims.getClaim(agentClaim);
        if (!(agent instanceof String id) || !AgentIds.isValid(id)) {
            return new Result(null, "JWT refused: claim '" + agentClaim + "' does not name a valid agent id");
        }
        if (namespaceClaim.isBlank()) {
            return new Result(MeshPrincipal.agent(id), null);
        }
        Object ns = claims.getClaim(namespaceClaim);
        if (ns == null) {
            return new Result(MeshPrincipal.agent(id), null);
        }
        if (!(ns instanceof String namespace) || !NAMESPACE.matcher(namespace).matches()) {
            return new Result(null, "JWT refused: claim '" + namespaceClaim + "' does not name a valid namespace");
        }
        return new Result(MeshPrincipal.agent(id, namespace), null);
    }
}
