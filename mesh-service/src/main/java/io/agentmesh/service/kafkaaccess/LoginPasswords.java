package io.agentmesh.service.kafkaaccess;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * An agent's Kafka password: HMAC-SHA256 of its id and login generation under the deployment's
 * secret. Every node (and the leader restoring a deleted credential) derives the same one; nothing
 * secret is stored.
 */
final class LoginPasswords {

    private final SecretKeySpec key;

    LoginPasswords(String secret) {
        if (secret.length() < 32) {
            throw new IllegalArgumentException("kafka.agentAccess.passwordSecret must be at least 32 characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    String of(String agentId, int generation) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((agentId + "\n" + generation).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
