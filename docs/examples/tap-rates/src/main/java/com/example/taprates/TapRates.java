package com.example.taprates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Reads an Agent Mesh tap (records of schema {@code agentmesh.tap/v1}, docs/taps.md) and writes, once
 * each minute is over, one record per agent: the messages routed to it in that minute, their rate
 * and their p99 routing latency. The tap needs the {@code routed} events (a filter without
 * {@code events}, or one that lists {@code routed}); its payload policy does not matter.
 *
 * <pre>TapRates BOOTSTRAP TAP_TOPIC OUTPUT_TOPIC [CLIENT_PROPERTIES]</pre>
 */
public final class TapRates {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TapRates() {
    }

    public static Topology topology(String tapTopic, String outputTopic) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(tapTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .flatMap((key, value) -> routedTo(value))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.Long()))
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(10)))
                .aggregate(MinuteStats::empty, (agent, latency, stats) -> stats.add(latency),
                        Materialized.with(Serdes.String(), json(MinuteStats.class)))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream()
                .map((window, stats) -> KeyValue.pair(window.key(), minute(window.key(), window.window().startTime(), stats)))
                .peek((agent, line) -> System.out.println(new String(line, java.nio.charset.StandardCharsets.UTF_8)))
                .to(outputTopic, Produced.with(Serdes.String(), Serdes.ByteArray()));
        return builder.build();
    }

    /** One (agent, routing latency) per agent a routed event names; nothing for other events or unreadable records. */
    static List<KeyValue<String, Long>> routedTo(byte[] value) {
        List<KeyValue<String, Long>> out = new ArrayList<>();
        JsonNode record;
        try {
            record = JSON.readTree(value);
        } catch (IOException | RuntimeException e) {
            return out;
        }
        if (record == null || !"routed".equals(record.path("event").asText())) {
            return out;
        }
        long latency = record.path("routing_latency_ms").asLong(-1);
        record.path("agents").forEach(agent -> out.add(KeyValue.pair(agent.asText(), latency)));
        return out;
    }

    private static byte[] minute(String agent, Instant start, MinuteStats stats) {
        ObjectNode out = JSON.createObjectNode();
        out.put("agent", agent);
        out.put("minute", start.toString());
        out.put("messages", stats.messages());
        out.put("per_second", stats.messages() / 60.0);
        out.put("p99_routing_latency_ms", stats.p99());
        try {
            return JSON.writeValueAsBytes(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Brokers do not create topics on request: the output topic is made here (a tap's reader may, under its prefix). */
    private static void createOutput(Properties props, String topic) {
        Properties admin = new Properties();
        props.forEach((k, v) -> {
            if (!k.toString().equals(StreamsConfig.APPLICATION_ID_CONFIG)) {
                admin.put(k, v);
            }
        });
        try (org.apache.kafka.clients.admin.Admin a = org.apache.kafka.clients.admin.Admin.create(admin)) {
            a.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, java.util.Optional.empty(),
                    java.util.Optional.empty()))).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            System.err.println("created " + topic);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create " + topic + ": " + e, e);
        }
    }

    static <T> Serde<T> json(Class<T> type) {
        Serializer<T> ser = (topic, v) -> {
            try {
                return v == null ? null : JSON.writeValueAsBytes(v);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        Deserializer<T> de = (topic, bytes) -> {
            try {
                return bytes == null ? null : JSON.readValue(bytes, type);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: tap-rates BOOTSTRAP TAP_TOPIC OUTPUT_TOPIC [CLIENT_PROPERTIES]");
            System.exit(2);
        }
        Properties props = new Properties();
        if (args.length > 3) {
            // security.protocol, sasl.mechanism, sasl.jaas.config, ... as for any Kafka client
            try (java.io.Reader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(args[3]))) {
                props.load(in);
            }
        }
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        // a tap's reader may use groups and topics under _tap.<name>.: the application id is its group
        // and the prefix of its internal topics
        props.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "_tap." + args[1].replaceFirst("^.*\\.tap\\.", "") + ".rates");
        createOutput(props, args[2]);
        KafkaStreams streams = new KafkaStreams(topology(args[1], args[2]), props);
        Runtime.getRuntime().addShutdownHook(new Thread(streams::close));
        streams.start();
    }
}
