package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * This node's view of the A2A tasks: it reads the task event log from its beginning and folds every
 * event into its task ({@link TaskFold}), so any node serves any task. Callers wait on it for a task
 * to reach a state, or for the view to have read a record this node just wrote.
 */
public final class TaskView implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(TaskView.class);
    /** The header naming the agent a task is for (on its {@code task} record). */
    static final String AGENT_HEADER = "mesh-a2a-agent";

    private final String topic;
    private final KafkaClientProps props;
    private final ObjectMapper mapper;
    private final Map<String, ObjectNode> tasks = new ConcurrentHashMap<>();
    private final Map<String, String> agents = new ConcurrentHashMap<>();
    private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();
    private final Map<Integer, Long> applied = new ConcurrentHashMap<>();
    private final List<Applied> appliedWaiters = new CopyOnWriteArrayList<>();
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    private record Waiter(Predicate<ObjectNode> until, CompletableFuture<ObjectNode> done) {
    }

    private record Applied(int partition, long offset, CompletableFuture<Void> done) {
    }

    public TaskView(String topic, KafkaClientProps props, ObjectMapper mapper) {
        this.topic = topic;
        this.props = props;
        this.mapper = mapper;
    }

    @Override
    public void start() {
        consumer = new KafkaConsumer<>(props.reader(500));
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        running = true;
        thread = new Thread(this::run, "a2a-task-view");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    apply(r);
                }
                for (TopicPartition tp : consumer.assignment()) {
                    applied.put(tp.partition(), consumer.position(tp));
                }
                appliedWaiters.removeIf(w -> {
                    if (applied.getOrDefault(w.partition(), 0L) > w.offset()) {
                        w.done().complete(null);
                        return true;
                    }
                    return false;
                });
            } catch (WakeupException e) {
                // stop() woke the poll
            } catch (RuntimeException e) {
                LOG.warn("reading the A2A task log: {}", e.toString());
                sleepQuietly();
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        JsonNode event;
        try {
            event = mapper.readTree(r.value());
        } catch (Exception e) {
            LOG.warn("skipped an unreadable record of {} at {}-{}", topic, r.partition(), r.offset());
            return;
        }
        if (event == null || !event.isObject()) {
            return;
        }
        String taskId = event.path("kind").asText().equals("task") ? event.path("id").asText(null)
                : event.path("taskId").asText(null);
        if (taskId == null) {
            return;
        }
        var agent = r.headers().lastHeader(AGENT_HEADER);
        if (agent != null) {
            agents.putIfAbsent(taskId, new String(agent.value(), StandardCharsets.UTF_8));
        }
        // folded into a copy: readers copy the task they get, never see it change under them
        ObjectNode before = tasks.get(taskId);
        ObjectNode after = TaskFold.apply(before == null ? null : before.deepCopy(), event);
        if (after == null) {
            return;
        }
        tasks.put(taskId, after);
        List<Waiter> waiting = waiters.get(taskId);
        if (waiting != null) {
            waiting.removeIf(w -> {
                if (w.until().test(after)) {
                    w.done().complete(after.deepCopy());
                    return true;
                }
                return false;
            });
        }
    }

    /** The task as this node has it, a copy. */
    public Optional<ObjectNode> task(String taskId) {
        ObjectNode t = tasks.get(taskId);
        return t == null ? Optional.empty() : Optional.of(t.deepCopy());
    }

    /** The agent the task was sent to. */
    public Optional<String> agentOf(String taskId) {
        return Optional.ofNullable(agents.get(taskId));
    }

    /** Completes with the task once it satisfies {@code until} (at once if it does), or with what it is after {@code max}. */
    public CompletableFuture<ObjectNode> when(String taskId, Predicate<ObjectNode> until, Duration max) {
        CompletableFuture<ObjectNode> done = new CompletableFuture<>();
        Waiter w = new Waiter(until, done);
        waiters.computeIfAbsent(taskId, k -> new CopyOnWriteArrayList<>()).add(w);
        ObjectNode now = tasks.get(taskId);
        if (now != null && until.test(now)) {
            done.complete(now.deepCopy());
        }
        return done.completeOnTimeout(null, max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .thenApply(t -> {
                    waiters.getOrDefault(taskId, List.of()).remove(w);
                    return t != null ? t : task(taskId).orElse(null);
                });
    }

    /** Completes once this view has read the record at {@code offset} of {@code partition}. */
    public CompletableFuture<Void> read(int partition, long offset, Duration max) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (applied.getOrDefault(partition, 0L) > offset) {
            done.complete(null);
            return done;
        }
        appliedWaiters.add(new Applied(partition, offset, done));
        return done.orTimeout(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Tasks this node holds. */
    public int size() {
        return tasks.size();
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            thread.join(5000);
        }
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
