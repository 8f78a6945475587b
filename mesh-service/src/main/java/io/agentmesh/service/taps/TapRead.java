package io.agentmesh.service.taps;

/** A live tap's reader: the agent whose Kafka login may read {@code topic} in groups starting {@code groupPrefix}. */
public record TapRead(String reader, String topic, String groupPrefix) {
}
