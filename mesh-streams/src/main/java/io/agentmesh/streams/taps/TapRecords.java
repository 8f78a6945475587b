package io.agentmesh.streams.taps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.streams.envelope.Target;
import io.agentmesh.streams.registry.RegistryEntry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The records one message event makes on the taps that take it: JSON of schema {@link #SCHEMA}
 * (published at {@code GET /api/v1/taps/schema}), keyed by the message's conversation key. Used
 * alike by the live application and by backfills, so both write the same records.
 */
public final class TapRecords {

    public static final String SCHEMA = "agentmesh.tap/v1";
    /** The largest record a tap writes (under Kafka's default record limit); a larger one goes without its payload. */
    public static final int MAX_RECORD_BYTES = 1_000_000;

    /** One record for one tap's topic. */
    public record Out(TapDefinition tap, byte[] key, byte[] value) {
    }

    private final AgentDirectory directory;
    private final ObjectMapper mapper;

    public TapRecords(AgentDirectory directory, ObjectMapper mapper) {
        this.directory = directory;
        this.mapper = mapper;
    }

    public List<Out> of(TapEvent e, Collection<TapDefinition> taps) {
        if (taps.isEmpty()) {
            return List.of();
        }
        Set<String> namespaces = new TreeSet<>();
        Set<String> capabilities = new TreeSet<>();
        scope(e, namespaces, capabilities);
        List<Out> out = new ArrayList<>(1);
        for (TapDefinition tap : taps) {
            if (!tap.filter().matches(e, namespaces, capabilities)) {
                continue;
            }
            ObjectNode record = mapper.createObjectNode();
            record.put("schema", SCHEMA);
            record.put("tap", tap.name());
            record.put("event", e.kind());
            record.put("event_id", e.eventId());
            record.setAll(e.fields());
            ArrayNode ns = record.putArray("namespaces");
            namespaces.forEach(ns::add);
            if (e.payload() != null) {
                tap.payload().apply(record, e.payload(), e.contentType(), tap.hmacKeyBytes(), mapper);
            }
            try {
                byte[] value = mapper.writeValueAsBytes(record);
                if (value.length > MAX_RECORD_BYTES) {
                    record.remove(List.of("payload", "payload_base64"));
                    record.put("payload_dropped", "the record would be " + value.length + " bytes, over the tap's limit of "
                            + MAX_RECORD_BYTES);
                    value = mapper.writeValueAsBytes(record);
                }
                out.add(new Out(tap, e.key() == null ? null : e.key().getBytes(StandardCharsets.UTF_8), value));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("a tap record is plain JSON", ex);
            }
        }
        return out;
    }

    /**
     * The namespaces an event touches (its sender's, its target's, its agents'; for a message not yet
     * routed to a capability or to everyone, those of the agents it may go to) and the capabilities it
     * was sent for or its agents have.
     */
    void scope(TapEvent e, Set<String> namespaces, Set<String> capabilities) {
        addAgent(e.from(), namespaces, null);
        for (String r : e.recipients()) {
            addAgent(r, namespaces, capabilities);
        }
        Target t = e.target();
        if (t == null) {
            return;
        }
        switch (t.kind()) {
            case NAMESPACE -> namespaces.add(t.value());
            case CAPABILITY -> {
                capabilities.add(t.value());
                if (t.namespace() != null) {
                    namespaces.add(t.namespace());
                } else if (TapEvent.ACCEPTED.equals(e.kind())) {
                    directory.withCapability(t.value()).forEach(a -> addNamespace(a, namespaces));
                }
            }
            case BROADCAST -> {
                if (TapEvent.ACCEPTED.equals(e.kind())) {
                    directory.everyone().forEach(a -> addNamespace(a, namespaces));
                }
            }
            default -> {
            }
        }
    }

    private void addAgent(String id, Set<String> namespaces, Set<String> capabilities) {
        if (id == null) {
            return;
        }
        RegistryEntry agent = directory.agent(id);
        if (agent == null) {
            return;
        }
        addNamespace(agent, namespaces);
        if (capabilities != null) {
            capabilities.addAll(agent.capabilities());
        }
    }

    private static void addNamespace(RegistryEntry agent, Set<String> namespaces) {
        if (agent.namespace() != null) {
            namespaces.add(agent.namespace());
        }
    }
}
