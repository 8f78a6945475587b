package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.kafka.ConsumerThreads;
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
    /** Every event applied to each task, in the order applied: an event's index is its sequence number. */
    private final Map<String, List<ObjectNode>> logOf = new ConcurrentHashMap<>();
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final Map<Integer, Long> startEnds = new ConcurrentHashMap<>();
    private final Map<String, Map<String, ObjectNode>> pushConfigs = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private final java.util.concurrent.ExecutorService callbacks =
            io.agentmesh.service.common.BoundedThreads.queued("a2a-view-callbacks", 4, 100_000);
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
        consumer.endOffsets(parts, Duration.ofSeconds(30)).forEach((tp, end) -> startEnds.put(tp.partition(), end));
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
                    try {
                        apply(r);
                    } catch (RuntimeException e) {
                        // one bad record is skipped on every node alike, never the rest of the batch
                        LOG.warn("skipped record {}-{} of {}: {}", r.partition(), r.offset(), topic, e.toString());
                    }
                }
                for (TopicPartition tp : consumer.assignment()) {
                    applied.put(tp.partition(), consumer.position(tp));
                }
                if (!caughtUp.isDone() && startEnds.entrySet().stream()
                        .allMatch(e -> applied.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                    caughtUp.complete(null);
                    LOG.info("A2A task view caught up: {} tasks", tasks.size());
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
                ConsumerThreads.pause(Duration.ofSeconds(1));
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
        String kind = event.path("kind").asText();
        if (kind.equals(PUSH_CONFIG) || kind.equals(PUSH_CONFIG_DELETED)) {
            applyPushConfig(taskId, kind, event);
            return;
        }
        var agent = r.headers().lastHeader(AGENT_HEADER);
        if (agent != null) {
            agents.putIfAbsent(taskId, new String(agent.value(), StandardCharsets.UTF_8));
        }
        ObjectNode after;
        synchronized (this) {
            // folded into a copy: readers copy the task they get, never see it change under them
            ObjectNode before = tasks.get(taskId);
            after = TaskFold.apply(before == null ? null : before.deepCopy(), event);
            if (after == null || after.equals(before)) {
                return; // a resend, or an update of a finished task: not an event of the task
            }
            tasks.put(taskId, after);
            List<ObjectNode> events = logOf.computeIfAbsent(taskId, k -> new java.util.ArrayList<>());
            events.add((ObjectNode) event);
            long seq = events.size() - 1;
            for (Subscriber sub : subscribers.getOrDefault(taskId, List.of())) {
                sub.event(seq, (ObjectNode) event);
            }
        }
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

    /** Log record kinds that set and delete a task's push notification configs (not events of the task). */
    static final String PUSH_CONFIG = "push-config";
    static final String PUSH_CONFIG_DELETED = "push-config-deleted";

    private void applyPushConfig(String taskId, String kind, JsonNode event) {
        String id = kind.equals(PUSH_CONFIG) ? event.path("pushNotificationConfig").path("id").asText(null)
                : event.path("pushNotificationConfigId").asText(null);
        if (id == null) {
            return;
        }
        pushConfigs.compute(taskId, (k, configs) -> {
            // a new map each time: readers iterate the one they got without a lock
            Map<String, ObjectNode> c = configs != null ? new java.util.LinkedHashMap<>(configs) : new java.util.LinkedHashMap<>();
            if (kind.equals(PUSH_CONFIG)) {
                c.put(id, ((ObjectNode) event.path("pushNotificationConfig")).deepCopy());
            } else {
                c.remove(id);
            }
            return c.isEmpty() ? null : c;
        });
    }

    /** The task's push notification configs (A2A PushNotificationConfig JSON), in the order set. */
    public List<ObjectNode> pushConfigs(String taskId) {
        Map<String, ObjectNode> c = pushConfigs.get(taskId);
        if (c == null) {
            return List.of();
        }
        return c.values().stream().map(ObjectNode::deepCopy).toList();
    }

    /** Receives a task's events as this node applies them: quickly, without blocking (it runs in the view's thread). */
    public interface Subscriber {
        void event(long seq, ObjectNode event);
    }

    /**
     * A subscription to a task's events: the task as it is now (having applied events up to
     * {@code seq}), the events after {@code after} that were already applied ({@code backlog}, the
     * first at {@code after + 1}), and every later one given to the subscriber until canceled.
     */
    public record Subscription(ObjectNode task, long seq, List<ObjectNode> backlog, Runnable cancel) {
    }

    /** Subscribes to a task's events; empty when this node does not hold the task. */
    public synchronized Optional<Subscription> subscribe(String taskId, long after, Subscriber subscriber) {
        ObjectNode task = tasks.get(taskId);
        if (task == null) {
            return Optional.empty();
        }
        List<ObjectNode> events = logOf.getOrDefault(taskId, List.of());
        List<ObjectNode> backlog = new java.util.ArrayList<>();
        for (long i = Math.max(0, after + 1); i < events.size(); i++) {
            backlog.add(events.get((int) i).deepCopy());
        }
        subscribers.compute(taskId, (k, list) -> {
            List<Subscriber> l = list != null ? list : new CopyOnWriteArrayList<>();
            l.add(subscriber);
            return l;
        });
        return Optional.of(new Subscription(task.deepCopy(), events.size() - 1, backlog,
                () -> subscribers.computeIfPresent(taskId, (k, list) -> {
                    list.remove(subscriber);
                    return list.isEmpty() ? null : list;
                })));
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
        waiters.compute(taskId, (k, list) -> {
            List<Waiter> l = list != null ? list : new CopyOnWriteArrayList<>();
            l.add(w);
            return l;
        });
        ObjectNode now = tasks.get(taskId);
        if (now != null && until.test(now)) {
            done.complete(now.deepCopy());
        }
        // what the caller does next runs in another thread, never in the view's (it reads the log)
        return done.completeOnTimeout(null, max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .thenApplyAsync(t -> {
                    waiters.computeIfPresent(taskId, (k, list) -> {
                        list.remove(w);
                        return list.isEmpty() ? null : list;
                    });
                    return t != null ? t : task(taskId).orElse(null);
                }, callbacks);
    }

    /** Completes once this view has read the record at {@code offset} of {@code partition}. */
    public CompletableFuture<Void> read(int partition, long offset, Duration max) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (applied.getOrDefault(partition, 0L) > offset) {
            done.complete(null);
            return done;
        }
        appliedWaiters.add(new Applied(partition, offset, done));
        return done.orTimeout(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).thenApplyAsync(v -> v, callbacks);
    }

    /** Whether this view has read what the log held when the node started. */
    public boolean caughtUp() {
        return caughtUp.isDone();
    }

    /** Tasks this node holds. */
    public int size() {
        return tasks.size();
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        ConsumerThreads.stop(consumer, thread, Duration.ofSeconds(5));
        callbacks.shutdown();
    }
}
