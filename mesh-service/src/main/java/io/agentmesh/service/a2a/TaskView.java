package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.kafka.ConsumerThreads;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.streams.a2a.TaskSnapshots;
import io.agentmesh.streams.a2a.TaskState;
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
 * This node's view of the A2A tasks: it starts from the compacted task topic (the router's
 * snapshots, {@link TaskSnapshots}), reads the task event log past what they include and folds
 * every event into its task ({@link TaskState}), so any node serves any task. Callers wait on it for a task
 * to reach a state, or for the view to have read a record this node just wrote.
 */
public final class TaskView implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(TaskView.class);
    /** The header naming the agent a task is for (on its {@code task} record). */
    static final String AGENT_HEADER = TaskState.AGENT_HEADER;

    private final String topic;
    private final String snapshotTopic;
    private final String snapshotGroup;
    /** Where each task's snapshot stood at start (event log partition, offset): records up to it are in it. */
    private final Map<String, long[]> snapshotAt = new ConcurrentHashMap<>();
    private final KafkaClientProps props;
    private final ObjectMapper mapper;
    private final Map<String, TaskState> states = new ConcurrentHashMap<>();
    private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();
    private final Map<Integer, Long> applied = new ConcurrentHashMap<>();
    /** The events of each task this node applied itself (not those a snapshot folded in), from sequence number {@code base}. */
    private final Map<String, Held> logOf = new ConcurrentHashMap<>();
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final Map<Integer, Long> startEnds = new ConcurrentHashMap<>();
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

    /** Events of a task in order, the first with sequence number {@code base}. */
    private record Held(long base, List<ObjectNode> events) {
    }

    /**
     * {@code topic}: the task event log; {@code snapshotTopic}: the compacted task topic folded from
     * it by the consumer group {@code snapshotGroup}.
     */
    public TaskView(String topic, String snapshotTopic, String snapshotGroup, KafkaClientProps props, ObjectMapper mapper) {
        this.topic = topic;
        this.snapshotTopic = snapshotTopic;
        this.snapshotGroup = snapshotGroup;
        this.props = props;
        this.mapper = mapper;
    }

    @Override
    public void start() {
        consumer = new KafkaConsumer<>(props.reader(500));
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        // first where the snapshot application has committed: every snapshot of a record before it is
        // visible once the offset is; then the snapshots; then the log from there on
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed = committed(parts);
        loadSnapshots();
        for (TopicPartition tp : parts) {
            var at = committed.get(tp);
            if (at != null) {
                consumer.seek(tp, at.offset());
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
        consumer.endOffsets(parts, Duration.ofSeconds(30)).forEach((tp, end) -> startEnds.put(tp.partition(), end));
        running = true;
        thread = new Thread(this::run, "a2a-task-view");
        thread.setDaemon(true);
        thread.start();
    }

    /** The snapshot application's committed positions on the event log (read, never joined or moved). */
    private Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed(List<TopicPartition> parts) {
        Map<String, Object> p = new java.util.HashMap<>(props.reader(1));
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, snapshotGroup);
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (Consumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> out = new java.util.HashMap<>();
            c.committed(new java.util.HashSet<>(parts), Duration.ofSeconds(30)).forEach((tp, at) -> {
                if (at != null) {
                    out.put(tp, at);
                }
            });
            return out;
        }
    }

    /**
     * Reads the task topic to its end: every task's latest snapshot, and where in the event log it
     * stands (a record of the log at or before it is already in the task).
     */
    private void loadSnapshots() {
        try (Consumer<byte[], byte[]> snapshots = new KafkaConsumer<>(props.reader(500))) {
            List<TopicPartition> parts = snapshots.partitionsFor(snapshotTopic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(snapshotTopic, i.partition())).toList();
            snapshots.assign(parts);
            snapshots.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = snapshots.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (ends.entrySet().stream().anyMatch(e -> snapshots.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the A2A task topic " + snapshotTopic + " was not read within 5 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : snapshots.poll(Duration.ofMillis(200))) {
                    TaskSnapshots.Snapshot snap = TaskSnapshots.read(mapper, r.value());
                    if (r.key() == null || snap == null) {
                        continue;
                    }
                    String taskId = new String(r.key(), StandardCharsets.UTF_8);
                    states.put(taskId, snap.state());
                    snapshotAt.put(taskId, new long[] {snap.partition(), snap.offset()});
                }
            }
            LOG.info("A2A task view: {} tasks from {}", states.size(), snapshotTopic);
        }
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
                    LOG.info("A2A task view caught up: {} tasks", states.size());
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
        String taskId = TaskState.taskIdOf(event);
        if (taskId == null) {
            return;
        }
        long[] snapped = snapshotAt.get(taskId);
        if (snapped != null && snapped[0] == r.partition() && r.offset() <= snapped[1]) {
            return; // the task's snapshot already holds it
        }
        var agent = r.headers().lastHeader(AGENT_HEADER);
        TaskState after;
        synchronized (this) {
            // a new state each time: readers copy the task they get, never see it change under them
            TaskState.Step step = TaskState.apply(states.get(taskId),
                    agent == null ? null : new String(agent.value(), StandardCharsets.UTF_8), event);
            if (step == null) {
                return; // a resend, or an update of a finished task: not an event of the task
            }
            after = step.after();
            states.put(taskId, after);
            if (!step.taskEvent()) {
                return;
            }
            logOf.computeIfAbsent(taskId, k -> new Held(after.seq(), new java.util.ArrayList<>())).events().add((ObjectNode) event);
            for (Subscriber sub : subscribers.getOrDefault(taskId, List.of())) {
                sub.event(after.seq(), (ObjectNode) event);
            }
        }
        List<Waiter> waiting = waiters.get(taskId);
        if (waiting != null) {
            waiting.removeIf(w -> {
                if (w.until().test(after.task())) {
                    w.done().complete(after.task().deepCopy());
                    return true;
                }
                return false;
            });
        }
    }

    /** Log record kinds that set and delete a task's push notification configs (not events of the task). */
    static final String PUSH_CONFIG = TaskState.PUSH_CONFIG;
    static final String PUSH_CONFIG_DELETED = TaskState.PUSH_CONFIG_DELETED;

    /** The task's push notification configs (A2A PushNotificationConfig JSON), in the order set. */
    public List<ObjectNode> pushConfigs(String taskId) {
        TaskState state = states.get(taskId);
        if (state == null) {
            return List.of();
        }
        return state.pushConfigs().values().stream().map(ObjectNode::deepCopy).toList();
    }

    /** Receives a task's events as this node applies them: quickly, without blocking (it runs in the view's thread). */
    public interface Subscriber {
        void event(long seq, ObjectNode event);
    }

    /**
     * A subscription to a task's events: the task as it is now (having applied events up to
     * {@code seq}), the events after {@code after} that were already applied ({@code backlog}, the
     * first at {@code after + 1}) — {@code complete} says whether this node holds all of them (it
     * does not hold those a snapshot folded in) — and every later one given to the subscriber until
     * canceled.
     */
    public record Subscription(ObjectNode task, long seq, List<ObjectNode> backlog, boolean complete, Runnable cancel) {
    }

    /** Subscribes to a task's events; empty when this node does not hold the task. */
    public synchronized Optional<Subscription> subscribe(String taskId, long after, Subscriber subscriber) {
        TaskState state = states.get(taskId);
        if (state == null) {
            return Optional.empty();
        }
        Held held = logOf.get(taskId);
        long base = held == null ? state.seq() + 1 : held.base();
        List<ObjectNode> backlog = new java.util.ArrayList<>();
        for (long seq = Math.max(base, after + 1); seq <= state.seq(); seq++) {
            backlog.add(held.events().get((int) (seq - base)).deepCopy());
        }
        boolean complete = after + 1 >= base || after >= state.seq();
        subscribers.compute(taskId, (k, list) -> {
            List<Subscriber> l = list != null ? list : new CopyOnWriteArrayList<>();
            l.add(subscriber);
            return l;
        });
        return Optional.of(new Subscription(state.task().deepCopy(), state.seq(), backlog, complete,
                () -> subscribers.computeIfPresent(taskId, (k, list) -> {
                    list.remove(subscriber);
                    return list.isEmpty() ? null : list;
                })));
    }

    /** The task as this node has it, a copy. */
    public Optional<ObjectNode> task(String taskId) {
        TaskState t = states.get(taskId);
        return t == null ? Optional.empty() : Optional.of(t.task().deepCopy());
    }

    /** Copies of the tasks sent to {@code agentId} that {@code include} accepts. */
    public List<ObjectNode> tasksOf(String agentId, Predicate<ObjectNode> include) {
        List<ObjectNode> out = new java.util.ArrayList<>();
        states.values().forEach(t -> {
            if (agentId.equals(t.agent()) && include.test(t.task())) {
                out.add(t.task().deepCopy());
            }
        });
        return out;
    }

    /** The agent the task was sent to. */
    public Optional<String> agentOf(String taskId) {
        TaskState t = states.get(taskId);
        return t == null ? Optional.empty() : Optional.ofNullable(t.agent());
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
        TaskState now = states.get(taskId);
        if (now != null && until.test(now.task())) {
            done.complete(now.task().deepCopy());
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
        return states.size();
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        ConsumerThreads.stop(consumer, thread, Duration.ofSeconds(5));
        callbacks.shutdown();
    }
}
