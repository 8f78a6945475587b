package io.agentmesh.service.it;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The Java snippet of docs/security.md ("Reading your topic directly"), verbatim between the
 * markers: {@code KafkaAccessIT} runs it against a secured broker and checks the page still shows
 * exactly these lines.
 */
final class DirectInboxReader {

    private DirectInboxReader() {
    }

    /** {@code login}: the "kafka" object of the agent's registration answer. */
    static void read(Map<String, String> login, BooleanSupplier running, Consumer<ConsumerRecord<String, byte[]>> handle) {
        // snippet: start
        Properties props = new Properties();
        props.put("bootstrap.servers", login.get("bootstrap"));
        props.put("security.protocol", login.get("security_protocol"));
        props.put("sasl.mechanism", login.get("sasl_mechanism"));
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + login.get("username") + "\" password=\"" + login.get("password") + "\";");
        props.put("group.id", login.get("group"));
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(login.get("topic")));
            while (running.getAsBoolean()) {
                for (ConsumerRecord<String, byte[]> message : consumer.poll(Duration.ofSeconds(1))) {
                    handle.accept(message); // headers ce_id, ce_type, ce_meshfrom, ...; value: the payload
                }
                consumer.commitSync();
            }
        }
        // snippet: end
    }
}
