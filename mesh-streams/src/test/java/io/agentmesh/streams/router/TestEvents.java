package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.MeshHeaders;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Mesh messages as the service writes them: CloudEvents in Kafka binary mode. */
final class TestEvents {

    private TestEvents() {
    }

    static TestRecord<byte[], byte[]> message(String id, String to, String payload, Instant time) {
        return message(id, to, payload.getBytes(StandardCharsets.UTF_8), time);
    }

    static TestRecord<byte[], byte[]> message(String id, String to, byte[] payload, Instant time) {
        return message("a", id, to, payload, time);
    }

    /** A message sent by agent {@code from} (null: by no agent, as an operator's send is). */
    static TestRecord<byte[], byte[]> message(String from, String id, String to, byte[] payload, Instant time) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create("mesh://agent/" + (from == null ? "none" : from)))
                .withType("mesh.message")
                .withDataContentType("application/json")
                .withExtension(MeshHeaders.EXT_TO, to)
                .withData(payload);
        if (from != null) {
            b.withExtension(MeshHeaders.EXT_FROM, from);
        }
        CloudEvent event = b.build();
        ProducerRecord<byte[], byte[]> record = KafkaMessageFactory
                .createWriter("mesh.ingress", null, time.toEpochMilli(), id.getBytes(StandardCharsets.UTF_8))
                .writeBinary(event);
        return new TestRecord<>(record.key(), record.value(), record.headers(), time);
    }

    static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
