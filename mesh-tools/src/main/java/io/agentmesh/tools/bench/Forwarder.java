package io.agentmesh.tools.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The floor a routing hop can be held to: a plain Kafka consume-from-one-topic, produce-to-another
 * loop with none of the router's logic, run by the bench as a process of its own so its CPU can be
 * read. {@code at_least_once}: offsets committed after a flush every commit interval (as Kafka
 * Streams does at at-least-once); {@code exactly_once}: consume-transform-produce in transactions
 * committed every commit interval, read_committed (as Kafka Streams does at exactly_once_v2).
 * Prints {@code ready} once it has its partitions.
 * <p>
 * Arguments: bootstrap servers, input topic, output topic, guarantee, commit interval ms, producer
 * linger ms.
 */
public final class Forwarder {

    private Forwarder() {
    }

    public static void main(String[] args) {
        // Kafka's clients log every fetch at DEBUG without a configuration: that would be the floor's cost
        io.agentmesh.embedded.Quiet.logs();
        if (args.length != 6) {
            System.err.println("usage: Forwarder <bootstrap> <from> <to> at_least_once|exactly_once <commit ms> <linger ms>");
            System.exit(2);
        }
        String bootstrap = args[0];
        String from = args[1];
        String to = args[2];
        boolean eos = args[3].equals("exactly_once");
        long commitMs = Long.parseLong(args[4]);
        String id = "bench-forwarder-" + UUID.randomUUID();
        Map<String, Object> c = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, id,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        Map<String, Object> p = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, args[5],
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        if (eos) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            if (eos) {
                producer.initTransactions();
            }
            consumer.subscribe(List.of(from), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        System.out.println("ready");
                        System.out.flush();
                    }
                }
            });
            forward(consumer, producer, to, eos, commitMs);
        }
    }

    private static void forward(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer, String to,
                                boolean eos, long commitMs) {
        Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
        boolean open = false;
        long lastCommit = System.currentTimeMillis();
        while (true) {
            long wait = Math.max(0, lastCommit + commitMs - System.currentTimeMillis());
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(wait));
            if (!records.isEmpty() && eos && !open) {
                producer.beginTransaction();
                open = true;
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                producer.send(new ProducerRecord<>(to, null, r.timestamp(), r.key(), r.value(), r.headers()));
                pending.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            }
            long now = System.currentTimeMillis();
            // as Kafka Streams: a commit every interval, whenever there is something to commit
            if (now - lastCommit >= commitMs) {
                if (!pending.isEmpty()) {
                    if (eos) {
                        producer.sendOffsetsToTransaction(pending, consumer.groupMetadata());
                        producer.commitTransaction();
                        open = false;
                    } else {
                        producer.flush();
                        consumer.commitSync(pending);
                    }
                    pending.clear();
                }
                lastCommit = now;
            }
        }
    }
}
