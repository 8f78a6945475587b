package io.agentmesh.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Secrets the mesh issues: 32 random bytes, base64url, with a prefix that says what they are
 * ({@code mka_} agent, {@code mko_} operator). Only the SHA-256 of a secret is stored; with 256
 * random bits, a fast hash is enough (nothing to guess, unlike a password).
 */
public final class ApiKeys {

    public static final String AGENT_PREFIX = "mka_";
    public static final String OPERATOR_PREFIX = "mko_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    public static String newAgentKey() {
        return AGENT_PREFIX + random();
    }

    public static String newOperatorToken() {
        return OPERATOR_PREFIX + random();
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the text could be a key the mesh issued (cheap check before any lookup). */
    public static boolean looksLikeKey(String token) {
        return token != null && (token.startsWith(AGENT_PREFIX) || token.startsWith(OPERATOR_PREFIX))
                && token.length() > 20 && token.length() < 100;
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
