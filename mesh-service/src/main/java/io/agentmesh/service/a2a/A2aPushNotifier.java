package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.common.OutboundGuard;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.kafka.ConsumerThreads;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.service.kafka.MessagePublisher;
import io.agentmesh.service.platform.MeshMetrics;
import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.router.DeadLetters;
import io.agentmesh.streams.topics.MeshTopics;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A2A push notifications: for each event of a task that has push notification configs, POSTs the
 * task as it now is to each config's URL (JSON, with the config's token in
 * {@code X-A2A-Notification-Token} and its credentials as the {@code Authorization} of its scheme),
 * under the mesh's outbound rules. A 5xx, a timeout or a refused connection is retried with backoff
 * ({@value #MAX_ATTEMPTS} attempts); a 4xx, a refused address or the last failed attempt puts the
 * notification in the DLQ (type {@value #DLQ_TYPE}). One consumer group over the task event log, so
 * each event is notified by one node, in the order of its task; its offset is committed once the
 * notification is delivered or dead-lettered.
 */
public final class A2aPushNotifier implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(A2aPushNotifier.class);
    static final int MAX_ATTEMPTS = 5;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String DLQ_TYPE = "a2a.push-notification";
    private static final Set<String> NOTIFIED = Set.of("task", "status-update", "artifact-update");

    private final String topic;
    private final KafkaClientProps props;
    private final String group;
    private final TaskView view;
    private final MessagePublisher publisher;
    private final MeshTopics topics;
    private final OutboundGuard guard;
    private final MeshMetrics metrics;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    public A2aPushNotifier(MeshTopics topics, KafkaClientProps props, String group, TaskView view,
                           MessagePublisher publisher, OutboundGuard guard, MeshMetrics metrics, ObjectMapper mapper,
                           Clock clock) {
        this.topic = topics.a2aTaskEvents();
        this.topics = topics;
        this.props = props;
        this.group = group;
        this.view = view;
        this.publisher = publisher;
        this.guard = guard;
        this.metrics = metrics;
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public void start() {
        // a new group starts at the log's beginning (events of tasks without configs pass at once): none is missed
        consumer = new KafkaConsumer<>(props.inboxConsumer(group, 100));
        consumer.subscribe(List.of(topic));
        running = true;
        thread = new Thread(this::run, "a2a-push");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    notify(r);
                    consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
                }
            } catch (WakeupException e) {
                // stop()
            } catch (RuntimeException e) {
                LOG.warn("A2A push notifications: {}", e.toString());
                ConsumerThreads.pause(Duration.ofSeconds(1));
            }
        }
    }

    private void notify(ConsumerRecord<byte[], byte[]> r) {
        JsonNode event;
        try {
            event = mapper.readTree(r.value());
        } catch (Exception e) {
            return;
        }
        if (event == null || !NOTIFIED.contains(event.path("kind").asText())) {
            return;
        }
        String taskId = event.path("kind").asText().equals("task") ? event.path("id").asText() : event.path("taskId").asText();
        // the view has applied this record (and so knows the configs set before it)
        view.read(r.partition(), r.offset(), TIMEOUT).exceptionally(e -> null).join();
        List<ObjectNode> configs = view.pushConfigs(taskId);
        if (configs.isEmpty()) {
            return;
        }
        ObjectNode task = view.task(taskId).orElse(null);
        if (task == null) {
            return;
        }
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(task);
        } catch (Exception e) {
            return;
        }
        for (ObjectNode config : configs) {
            deliver(taskId, config, body);
        }
    }

    private void deliver(String taskId, ObjectNode config, byte[] body) {
        URI url;
        try {
            url = URI.create(config.path("url").asText());
        } catch (IllegalArgumentException e) {
            return; // checked when set
        }
        long first = clock.millis();
        String error = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && running; attempt++) {
            var refused = guard.refusal(url);
            if (refused.isPresent()) {
                deadLetter(taskId, url, body, DeadLetterReason.DELIVERY_FAILED, "address refused: " + refused.get(), attempt, first);
                return;
            }
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
                if (config.path("token").isTextual()) {
                    b.header("X-A2A-Notification-Token", config.path("token").asText());
                }
                JsonNode auth = config.path("authentication");
                if (auth.path("credentials").isTextual() && auth.path("schemes").isArray() && !auth.path("schemes").isEmpty()) {
                    b.header("Authorization", auth.path("schemes").get(0).asText() + " " + auth.path("credentials").asText());
                }
                int code = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (code >= 200 && code < 300) {
                    return;
                }
                error = "HTTP " + code;
                if (code >= 400 && code < 500) {
                    deadLetter(taskId, url, body, DeadLetterReason.REJECTED_BY_AGENT, error, attempt, first);
                    return;
                }
            } catch (java.io.IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (attempt < MAX_ATTEMPTS) {
                ConsumerThreads.pause(FIRST_BACKOFF.multipliedBy(1L << (attempt - 1)));
            }
        }
        deadLetter(taskId, url, body, DeadLetterReason.MAX_ATTEMPTS, error, MAX_ATTEMPTS, first);
    }

    /** The notification in the DLQ with why it failed; waits for Kafka to have it (only then is the event done). */
    private void deadLetter(String taskId, URI url, byte[] body, DeadLetterReason reason, String error, int attempts,
                            long first) {
        long now = clock.millis();
        var event = CloudEventBuilder.v1().withId(taskId + "@" + now).withSource(URI.create("mesh://a2a/tasks/" + taskId))
                .withType(DLQ_TYPE).withTime(OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(now), ZoneOffset.UTC))
                .withDataContentType("application/json").withData(body).build();
        ProducerRecord<byte[], byte[]> record = KafkaMessageFactory.createWriter(topics.dlq(), null, now,
                taskId.getBytes(StandardCharsets.UTF_8)).writeBinary(event);
        var headers = DeadLetters.headers(record.headers(), new DeadLetters.Failure(reason, error, attempts,
                "a2a-push:" + url, first, now, null), now);
        String action = "dead-letter the A2A push notification of task " + taskId;
        KafkaFailures.await(publisher.publish(new ProducerRecord<>(topics.dlq(), null, now, record.key(), record.value(),
                headers), action), action);
        metrics.deadLettered();
        LOG.info("A2A push notification of task {} to {} dead-lettered: {} ({})", taskId, url, reason, error);
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        ConsumerThreads.stop(consumer, thread, Duration.ofSeconds(10));
    }
}
