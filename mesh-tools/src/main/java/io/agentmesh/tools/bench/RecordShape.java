package io.agentmesh.tools.bench;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Records shaped as the mesh writes them to {@code mesh.ingress} (keyed by the message id, the
 * CloudEvents binary-mode headers and the mesh's extensions), so the raw floors move the same bytes
 * per message as the mesh does.
 */
final class RecordShape {

    private static final byte[] SPEC = bytes("1.0");
    private static final byte[] SOURCE = bytes("mesh://agents/bench-sender");
    private static final byte[] TYPE = bytes("mesh.message");
    private static final byte[] JSON = bytes("application/json");
    private static final byte[] FROM = bytes("bench-sender");

    private RecordShape() {
    }

    static ProducerRecord<byte[], byte[]> of(String topic, long seq, byte[] payload) {
        String id = UUID.randomUUID().toString();
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", SPEC);
        h.add("ce_id", bytes(id));
        h.add("ce_source", SOURCE);
        h.add("ce_type", TYPE);
        h.add("ce_time", bytes(Instant.now().toString()));
        h.add("content-type", JSON);
        h.add("ce_meshto", bytes("agent:bench-r" + (seq % 4)));
        h.add("ce_meshfrom", FROM);
        return new ProducerRecord<>(topic, null, null, bytes(id), payload, h);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
