package io.agentmesh.streams.taps;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A tap as its application reads it from the tap definitions topic (keyed by name; a tombstone
 * ends the tap): the topic it writes, what it takes, and what it shows of payloads. {@code hmacKey}
 * (base64) is the tap's own key for hashed payloads; it never leaves the mesh.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TapDefinition(@JsonProperty("name") String name,
                            @JsonProperty("topic") String topic,
                            @JsonProperty("filter") TapFilter filter,
                            @JsonProperty("payload") PayloadPolicy payload,
                            @JsonProperty("hmac_key") String hmacKey) {

    /** Tap names: lower-case letters, digits and '-', starting with a letter or digit, at most 60. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,59}");
    public static final String NAME_RULE = "1-60 characters of a-z, 0-9 and '-', starting with a letter or digit";

    public TapDefinition {
        filter = filter == null ? TapFilter.all() : filter;
    }

    /** The key hashed payloads are computed with. */
    public byte[] hmacKeyBytes() {
        return hmacKey == null ? new byte[0] : Base64.getDecoder().decode(hmacKey);
    }

    /** Whether the application can run it (a record written by another version may not be). */
    public boolean usable() {
        if (name == null || !NAME.matcher(name).matches() || topic == null || topic.isEmpty()
                || payload == null || payload.problem() != null) {
            return false;
        }
        if (PayloadPolicy.HASH.equals(payload.mode())) {
            try {
                return hmacKeyBytes().length >= 16;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }
}
