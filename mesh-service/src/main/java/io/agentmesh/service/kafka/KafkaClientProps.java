package io.agentmesh.service.kafka;

import io.agentmesh.service.config.KafkaSettings;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.HashMap;
import java.util.Map;

/**
 * Client settings from configuration: the common map, then the per-client map, then what the
 * mesh's promises need and a user may not override (acks=all, idempotence, read_committed, the
 * send bound).
 */
public final class KafkaClientProps {

    private final KafkaSettings settings;
    private final String clientIdPrefix;
    private final int maxRecordBytes;

    /** {@code maxRecordBytes}: the largest record the mesh writes (the payload limit plus the envelope allowance). */
    public KafkaClientProps(KafkaSettings settings, String clientIdPrefix, int maxRecordBytes) {
        this.settings = settings;
        this.clientIdPrefix = clientIdPrefix;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The largest record the mesh writes; topics it creates accept it ({@code max.message.bytes}). */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** A request holds at least one whole record of the largest size, with room for the batch around it. */
    public int maxRequestBytes() {
        return maxRecordBytes + 64 * 1024;
    }

    public Map<String, Object> common() {
        Map<String, Object> p = new HashMap<>(KafkaLogins.clientSettings(settings.getSecurity()));
        p.putAll(settings.getCommon());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.getBootstrapServers());
        return p;
    }

    public Map<String, Object> admin() {
        Map<String, Object> p = common();
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientIdPrefix + "-admin");
        p.putIfAbsent(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return p;
    }

    public Map<String, Object> producer(String name) {
        Map<String, Object> p = common();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + name);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestBytes()));
        p.putAll(settings.getProducer());
        long sendMs = settings.getSendTimeout().toMilliseconds();
        long linger = Long.parseLong(p.get(ProducerConfig.LINGER_MS_CONFIG).toString());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(sendMs));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(100, sendMs - linger)));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(sendMs));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** A reader that joins no group (operator scans): committed data only. */
    public Map<String, Object> reader(int maxPollRecords) {
        Map<String, Object> p = consumer("reader", maxPollRecords);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return p;
    }

    /** A reader of an agent's inbox: group = agent id, manual commits, committed data only. */
    public Map<String, Object> inboxConsumer(String agentId, int maxPollRecords) {
        Map<String, Object> p = consumer("inbox-" + agentId, maxPollRecords);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, agentId);
        return p;
    }

    private Map<String, Object> consumer(String name, int maxPollRecords) {
        Map<String, Object> p = common();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + name);
        p.putAll(settings.getConsumer());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
