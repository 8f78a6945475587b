package io.agentmesh.streams.taps;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * What a tap shows of a message's payload: {@code include} it ({@code payload} when it is JSON,
 * {@code payload_base64} otherwise), {@code hash} it ({@code payload_hmac_sha256}: HMAC-SHA256 under
 * the tap's own key, so equal payloads can be counted without being read or guessed), {@code drop}
 * it, or {@code redact} it (the JSON payload without the fields at {@code fields}: dotted paths where
 * {@code *} stands for any field or array element; a payload that is not JSON is dropped). A field
 * whose own name holds a dot cannot be named by a path: redact its parent, or {@code *}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PayloadPolicy(@JsonProperty("mode") String mode, @JsonProperty("fields") List<String> fields) {

    public static final String INCLUDE = "include";
    public static final String HASH = "hash";
    public static final String DROP = "drop";
    public static final String REDACT = "redact";
    public static final List<String> MODES = List.of(INCLUDE, HASH, DROP, REDACT);

    public PayloadPolicy {
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    /** Why {@code fields} or {@code mode} cannot be used, or null when they can. */
    public String problem() {
        if (mode == null || !MODES.contains(mode)) {
            return "mode must be one of " + MODES;
        }
        if (REDACT.equals(mode) && fields.isEmpty()) {
            return "redact needs fields: the dotted paths to remove (a.b, items.*.ssn)";
        }
        if (!REDACT.equals(mode) && !fields.isEmpty()) {
            return "fields are only for mode redact";
        }
        for (String f : fields) {
            if (f == null || f.isBlank() || f.startsWith(".") || f.endsWith(".") || f.contains("..") || f.length() > 200
                    || f.chars().anyMatch(Character::isISOControl)) {
                return "field path '" + f + "' is not a dotted path (a.b, items.*.ssn)";
            }
        }
        return null;
    }

    /** Adds the payload as the policy allows to {@code out}. */
    public void apply(ObjectNode out, byte[] payload, String contentType, byte[] hmacKey, ObjectMapper mapper) {
        if (payload == null || DROP.equals(mode)) {
            return;
        }
        switch (mode) {
            case HASH -> out.put("payload_hmac_sha256", hmac(hmacKey, payload));
            case INCLUDE -> {
                JsonNode json = json(payload, contentType, mapper);
                if (json != null) {
                    out.set("payload", json);
                } else {
                    out.put("payload_base64", Base64.getEncoder().encodeToString(payload));
                }
            }
            case REDACT -> {
                JsonNode json = json(payload, contentType, mapper);
                if (json == null) {
                    out.put("payload_dropped", "not JSON, so not redactable");
                } else {
                    for (String f : fields) {
                        remove(json, f.split("\\."), 0);
                    }
                    out.set("payload", json);
                }
            }
            default -> {
            }
        }
    }

    static String hmac(byte[] key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static JsonNode json(byte[] payload, String contentType, ObjectMapper mapper) {
        if (contentType != null && !contentType.isEmpty() && !contentType.contains("json")) {
            return null;
        }
        try {
            return mapper.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(payload);
        } catch (IOException e) {
            return null;
        }
    }

    private static void remove(JsonNode node, String[] path, int at) {
        String step = path[at];
        boolean last = at == path.length - 1;
        if (node instanceof ObjectNode object) {
            if ("*".equals(step)) {
                if (last) {
                    object.removeAll();
                    return;
                }
                List<JsonNode> children = new ArrayList<>();
                object.elements().forEachRemaining(children::add);
                children.forEach(c -> remove(c, path, at + 1));
            } else if (last) {
                object.remove(step);
            } else if (object.has(step)) {
                remove(object.get(step), path, at + 1);
            }
        } else if (node instanceof ArrayNode array) {
            if ("*".equals(step)) {
                if (last) {
                    array.removeAll();
                    return;
                }
                for (JsonNode c : array) {
                    remove(c, path, at + 1);
                }
            } else if (step.chars().allMatch(Character::isDigit) && step.length() < 10) {
                int i = Integer.parseInt(step);
                if (i < array.size()) {
                    if (last) {
                        array.remove(i);
                    } else {
                        remove(array.get(i), path, at + 1);
                    }
                }
            }
        }
    }
}
