package io.agentmesh.service.registry;

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
    private static final int MAX_CARD_BYTES = 32 * 1024;
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");
    /** Ids the API's own paths under /api/v1/agents use; an agent by that name could never be read. */
    public static final java.util.Set<String> RESERVED = java.util.Set.of("count", "reregister", "batch", "heartbeats");
    public static final long MIN_TTL_MS = 1_000;
    public static final long MAX_TTL_MS = 86_400_000;

    private final ObjectMapper mapper;
    private final java.util.Set<String> kafkaGroups;

    /** {@code kafkaGroups}: the mesh's own Kafka consumer groups; an agent's group is its id, so those ids are taken. */
    public AgentValidator(ObjectMapper mapper, java.util.Set<String> kafkaGroups) {
        this.mapper = mapper;
        this.kafkaGroups = kafkaGroups;
    }

    public RegisterCommand validate(RegisterCommand raw) {
        RegisterCommand c = withCard(raw);
        String id = c.id() == null || c.id().isEmpty() ? UUID.randomUUID().toString() : c.id();
        if (!AgentIds.isValid(id)) {
            throw MeshException.invalidField("id", "'" + id + "' cannot name an inbox topic: " + AgentIds.RULE);
        }
        if (RESERVED.contains(id)) {
            throw MeshException.invalidField("id", "'" + id + "' is reserved: GET /api/v1/agents/" + id
                    + " is one of the API's own paths");
        }
        if (kafkaGroups.contains(id)) {
            throw MeshException.invalidField("id", "'" + id + "' is reserved: it is the mesh's own Kafka consumer group");
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
        String endpoint = url("endpoint", c.endpoint());
        String healthUrl = url("health_url", c.healthUrl() != null ? c.healthUrl()
                : c.metadata() != null && c.metadata().get("health_url") instanceof String legacy ? legacy : null);
        Map<String, Object> metadata = c.metadata() == null ? Map.of() : c.metadata();
        checkSize("metadata", metadata, MAX_METADATA_BYTES);
        io.agentmesh.service.common.StorableJson.require("metadata", metadata);
        if (c.owner() != null && !OWNER.matcher(c.owner()).matches()) {
            throw MeshException.invalidField("owner", "'" + c.owner() + "' must be 1-128 characters of [A-Za-z0-9._@:-]");
        }
        if (c.heartbeatTtlMs() != null && (c.heartbeatTtlMs() < MIN_TTL_MS || c.heartbeatTtlMs() > MAX_TTL_MS)) {
            throw MeshException.invalidField("heartbeat_ttl_ms", c.heartbeatTtlMs() + " is outside " + MIN_TTL_MS
                    + ".." + MAX_TTL_MS);
        }
        String delivery = c.delivery() == null || c.delivery().isEmpty() ? AgentRecord.PULL : c.delivery();
        if (!AgentRecord.PULL.equals(delivery) && !AgentRecord.pushed(delivery)) {
            throw MeshException.invalidField("delivery", "'" + delivery + "' is not pull, push or a2a");
        }
        if (AgentRecord.PUSH.equals(delivery) && endpoint == null) {
            throw MeshException.invalidField("endpoint", "push delivery needs an http(s) endpoint to POST messages to");
        }
        if (AgentRecord.A2A.equals(delivery) && endpoint == null) {
            throw MeshException.invalidField("endpoint", "a2a delivery needs the URL of the agent's A2A server "
                    + "(its agent card, or the base URL that serves /.well-known/agent-card.json)");
        }
        return new RegisterCommand(id, c.name().strip(), namespace, capabilities, endpoint, metadata, c.owner(),
                c.heartbeatTtlMs(), c.card(), delivery, healthUrl);
    }

    /** Fills name, endpoint and capabilities from an A2A card, after checking the card. */
    private RegisterCommand withCard(RegisterCommand c) {
        if (c.card() == null) {
            return c;
        }
        AgentCards.check(c.card());
        checkSize("card", c.card(), MAX_CARD_BYTES);
        io.agentmesh.service.common.StorableJson.require("card", c.card());
        String name = c.name() == null || c.name().isBlank() ? (String) c.card().get("name") : c.name();
        String endpoint = c.endpoint() == null || c.endpoint().isEmpty() ? (String) c.card().get("url") : c.endpoint();
        LinkedHashSet<String> caps = new LinkedHashSet<>(c.capabilities() == null ? List.of() : c.capabilities());
        caps.addAll(AgentCards.capabilities(c.card()));
        return new RegisterCommand(c.id(), name, c.namespace(), new ArrayList<>(caps), endpoint, c.metadata(),
                c.owner(), c.heartbeatTtlMs(), c.card(), c.delivery(), c.healthUrl());
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

    /** An absolute http(s) URL, or null when absent; 400 naming {@code field} otherwise. */
    private static String url(String field, String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme();
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                throw MeshException.invalidField(field, "'" + raw + "' must be an absolute http(s) URL");
            }
            return uri.toString();
        } catch (URISyntaxException e) {
            throw MeshException.invalidField(field, "'" + raw + "' is not a URL: " + e.getReason());
        }
    }

    private void checkSize(String field, Map<String, Object> value, int max) {
        try {
            if (mapper.writeValueAsBytes(value).length > max) {
                throw MeshException.invalidField(field, "larger than " + max + " bytes as JSON");
            }
        } catch (JsonProcessingException e) {
            throw MeshException.invalidField(field, "not serializable as JSON");
        }
    }
}
