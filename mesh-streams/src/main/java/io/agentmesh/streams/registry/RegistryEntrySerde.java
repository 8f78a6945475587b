package io.agentmesh.streams.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;

/** JSON serde for {@link RegistryEntry}; a null value (tombstone) stays null. */
public final class RegistryEntrySerde implements Serde<RegistryEntry> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public Serializer<RegistryEntry> serializer() {
        return (topic, entry) -> {
            if (entry == null) {
                return null;
            }
            try {
                return MAPPER.writeValueAsBytes(entry);
            } catch (IOException e) {
                throw new SerializationException("cannot write registry entry " + entry.id(), e);
            }
        };
    }

    @Override
    public Deserializer<RegistryEntry> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return MAPPER.readValue(bytes, RegistryEntry.class);
            } catch (IOException e) {
                throw new SerializationException("undecodable registry record on " + topic, e);
            }
        };
    }
}
