package io.agentmesh.service.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.topics.AgentIds;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** Checks a registration and fills defaults; throws a 400 naming the field otherwise. */
public final class AgentValidator {

    public static final String DEFAULT_NAMESPACE = "default";
    private static final Pattern NAME_TOKEN = Pattern.compile("[a-z0-9._-]{1,64}");
    private static final int MAX_CAPABILITIES = 64;
    private static final int MAX_NAME = 200;
    private static final int MAX_METADATA_BYTES = 16 * 1024;

    private final ObjectMapper mapper;

    public AgentValidator(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public RegisterCommand validate(RegisterCommand c) {
        String id = c.id() == null || c.id().isEmpty() ? UUID.randomUUID().toString() : c.id();
        if (!AgentIds.isValid(id)) {
            throw MeshException.invalidField("id", "'" + id + "' cannot name an inbox topic: " + AgentIds.RULE);
        }
        if (c.name() == null || c.name().isBlank()) {
            throw MeshException.invalidField("name", "is required and may not be blank");
        }
        if (c.name().length() > MAX_NAME || c.name().chars().anyMatch(Character::isISOControl)) {
            throw MeshException.invalidField("name", "at most " + MAX_NAME + " characters, no control characters");
        }
        String namespace = c.namespace() == null || c.namespace().isEmpty() ? DEFAULT_NAMESPACE : c.namespace();
        if (!NAME_TOKEN.matcher(namespace).matches()) {
            throw MeshException.invalidField("namespace", "'" + namespace + "' must be 1-64 characters of [a-z0-9._-]");
        }
        List<String> capabilities = capabilities(c.capabilities());
        String endpoint = endpoint(c.endpoint());
        Map<String, Object> metadata = c.metadata() == null ? Map.of() : c.metadata();
        checkMetadataSize(metadata);
        return new RegisterCommand(id, c.name().strip(), namespace, capabilities, endpoint, metadata);
    }

    private static List<String> capabilities(List<String> raw) {
        if (raw == null) {
            return List.of();
        }
        if (raw.size() > MAX_CAPABILITIES) {
            throw MeshException.invalidField("capabilities", "at most " + MAX_CAPABILITIES + " entries");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String capability : raw) {
            if (capability == null || !NAME_TOKEN.matcher(capability).matches()) {
                throw MeshException.invalidField("capabilities",
                        "'" + capability + "' must be 1-64 characters of [a-z0-9._-]");
            }
            unique.add(capability);
        }
        return new ArrayList<>(unique);
    }

    private static String endpoint(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme();
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                throw MeshException.invalidField("endpoint", "'" + raw + "' must be an absolute http(s) URL");
            }
            return uri.toString();
        } catch (URISyntaxException e) {
            throw MeshException.invalidField("endpoint", "'" + raw + "' is not a URL: " + e.getReason());
        }
    }

    private void checkMetadataSize(Map<String, Object> metadata) {
        try {
            if (mapper.writeValueAsBytes(metadata).length > MAX_METADATA_BYTES) {
                throw MeshException.invalidField("metadata", "larger than " + MAX_METADATA_BYTES + " bytes as JSON");
            }
        } catch (JsonProcessingException e) {
            throw MeshException.invalidField("metadata", "not serializable as JSON");
        }
    }
}
