package io.agentmesh.streams.registry;

/** JSON serde for {@link RegistryEntry}; a null value (tombstone) stays null. */
public final class RegistryEntrySerde extends JsonSerde<RegistryEntry> {

    public RegistryEntrySerde() {
        super(RegistryEntry.class);
    }
}
