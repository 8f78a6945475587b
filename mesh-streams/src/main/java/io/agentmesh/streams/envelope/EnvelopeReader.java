package io.agentmesh.streams.envelope;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import org.apache.kafka.common.header.Headers;

/**
 * Reads and validates a mesh message from a Kafka record in CloudEvents binary mode, using the
 * CloudEvents SDK for the CloudEvents rules and adding the mesh's own ({@code meshto} present and
 * well formed).
 */
public final class EnvelopeReader {

    private EnvelopeReader() {
    }

    public static Envelope read(Headers headers, byte[] value) {
        CloudEvent event;
        try {
            event = KafkaMessageFactory.createReader(headers, value).toEvent();
        } catch (CloudEventRWException | IllegalStateException e) {
            throw new InvalidEnvelopeException("not a CloudEvents binary-mode record: " + e.getMessage(), e);
        }
        Object to = event.getExtension(MeshHeaders.EXT_TO);
        if (to == null) {
            throw new InvalidEnvelopeException("missing extension '" + MeshHeaders.EXT_TO + "' (header " + MeshHeaders.TO + ")");
        }
        Target target;
        try {
            target = Target.parse(to.toString());
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException(e.getMessage(), e);
        }
        return new Envelope(event.getId(),
                event.getSource() == null ? null : event.getSource().toString(),
                event.getType(),
                target,
                stringExtension(event, MeshHeaders.EXT_FROM),
                stringExtension(event, MeshHeaders.EXT_CORRELATION_ID),
                value == null ? 0 : value.length);
    }

    private static String stringExtension(CloudEvent event, String name) {
        Object v = event.getExtension(name);
        return v == null ? null : v.toString();
    }
}
