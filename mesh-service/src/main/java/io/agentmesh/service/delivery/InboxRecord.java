package io.agentmesh.service.delivery;

import io.agentmesh.streams.envelope.MeshHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message read from an inbox topic, transport-neutral (REST and gRPC render it); {@code key} and
 * {@code headers} are the record's own, for paths that pass it on (push, dead letters).
 */
public record InboxRecord(String id, String from, String to, String type, String time, String correlationId,
                          String contentType, byte[] payload, int partition, long offset,
                          Map<String, String> attributes, byte[] key, Headers headers) {

    /** Reads the CloudEvents binary-mode headers; unknown headers are kept in attributes. */
    public static InboxRecord of(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            String name = h.key().startsWith(MeshHeaders.CE_PREFIX) ? h.key().substring(MeshHeaders.CE_PREFIX.length()) : h.key();
            attributes.put(name, h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return new InboxRecord(attributes.get("id"), attributes.get(MeshHeaders.EXT_FROM),
                attributes.get(MeshHeaders.EXT_TO), attributes.get("type"), attributes.get("time"),
                attributes.get(MeshHeaders.EXT_CORRELATION_ID), attributes.get(MeshHeaders.CONTENT_TYPE),
                r.value() == null ? new byte[0] : r.value(), r.partition(), r.offset(), attributes, r.key(), r.headers());
    }
}
