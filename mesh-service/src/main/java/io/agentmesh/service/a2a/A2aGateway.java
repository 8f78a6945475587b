package io.agentmesh.service.a2a;

import io.agentmesh.streams.a2a.TaskFold;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.common.OutboundGuard;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.messaging.MessageService;
import io.agentmesh.service.messaging.SendCommand;
import io.agentmesh.service.registry.AgentRegistry;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The A2A methods over the mesh. A client's message becomes a task on the task event log and a
 * CloudEvent in the agent's inbox (type {@value #SEND_TYPE}, keyed and correlated by task id, its id
 * derived from the A2A messageId, so a resent message is one task and one delivery); the agent
 * answers with status and artifact updates through {@link A2aTaskResource}; any node answers for the
 * task from its {@link TaskView}.
 */
public final class A2aGateway {

    /** CloudEvent type of a client's message in the agent's inbox. */
    public static final String SEND_TYPE = "a2a.message.send";
    /** CloudEvent type telling the agent a client canceled the task. */
    public static final String CANCEL_TYPE = "a2a.tasks.cancel";
    /** How long a blocking message/send waits for the task to finish or need its client. */
    static final Duration BLOCKING_WAIT = Duration.ofSeconds(60);
    static final Duration READ_OWN_WRITE = Duration.ofSeconds(10);
    /** How long a task this node does not hold is waited for (another node may have just written it). */
    static final Duration LAG_GRACE = Duration.ofSeconds(1);
    private static final java.util.regex.Pattern MESH_TASK_ID =
            java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final TaskLog log;
    private final TaskView view;
    private final MessageService messages;
    private final AgentRegistry registry;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final OutboundGuard guard;

    public A2aGateway(TaskLog log, TaskView view, MessageService messages, AgentRegistry registry, ObjectMapper mapper,
                      Clock clock, OutboundGuard guard) {
        this.guard = guard;
        this.log = log;
        this.view = view;
        this.messages = messages;
        this.registry = registry;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** message/send: the task (after it settled, for a blocking call), or a JSON-RPC failure. */
    public CompletableFuture<JsonNode> send(MeshPrincipal caller, String agentId, JsonNode params) {
        boolean blocking = params.path("configuration").path("blocking").asBoolean(false);
        Integer historyLength = params.path("configuration").path("historyLength").canConvertToInt()
                ? params.path("configuration").path("historyLength").asInt() : null;
        return start(caller, agentId, params)
                .thenCompose(task -> view.when(task, blocking ? TaskFold::settled : t -> true,
                        blocking ? BLOCKING_WAIT : READ_OWN_WRITE))
                .thenApply(t -> {
                    if (t == null) {
                        throw new JsonRpc.Failure(JsonRpc.INTERNAL_ERROR, "the task was recorded but this node cannot "
                                + "read it yet; ask for it with tasks/get");
                    }
                    return (JsonNode) trimmed(t, historyLength);
                });
    }

    /** message/stream: the task's id once this node holds it, to stream its events from. */
    public CompletableFuture<String> stream(MeshPrincipal caller, String agentId, JsonNode params) {
        return start(caller, agentId, params)
                .thenCompose(task -> view.when(task, t -> true, READ_OWN_WRITE).thenApply(t -> {
                    if (t == null) {
                        throw new JsonRpc.Failure(JsonRpc.INTERNAL_ERROR, "task " + task + " not yet readable here");
                    }
                    return task;
                }));
    }

    /** tasks/resubscribe: the task's id, when the caller may follow it. */
    public CompletableFuture<String> resubscribe(MeshPrincipal caller, String agentId, JsonNode params) {
        String id = requireId(params);
        return ownTask(caller, agentId, id).thenApply(t -> id);
    }

    /**
     * Puts the client's message in the agent's inbox, then records it on the task log (a new task, or
     * a further message of the task the message names); completes with the task id. The inbox first:
     * a caller the mesh refuses (policy, rate limit, Kafka down) leaves nothing on the task log.
     */
    private CompletableFuture<String> start(MeshPrincipal caller, String agentId, JsonNode params) {
        JsonNode message = params.path("message");
        requireMessage(message);
        if (!registry.isRoutable(agentId)) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "no active agent '" + agentId + "' is registered",
                    mapper.createObjectNode().put("code", "UNKNOWN_TARGET"));
        }
        String given = message.path("taskId").asText(null);
        // ids derived from who sends and its messageId: a client's resend is the same task and the same
        // delivery; another client's message with the same messageId is neither
        String origin = caller.label() + "\u0000" + message.path("messageId").asText();
        CompletableFuture<ObjectNode> existing = given == null ? CompletableFuture.completedFuture(null)
                : ownTask(caller, agentId, given);
        return existing.thenCompose(task -> {
            if (task != null && TaskFold.isFinal(task)) {
                throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "task " + given + " is " + TaskFold.state(task)
                        + ": a finished task takes no more messages");
            }
            String taskId = task != null ? given : derived("task", agentId, origin);
            String contextId = task != null ? task.path("contextId").asText()
                    : message.path("contextId").asText(derived("context", agentId, origin));
            ObjectNode msg = ((ObjectNode) message).deepCopy().put("taskId", taskId).put("contextId", contextId);
            ObjectNode record;
            if (task != null) {
                record = msg.deepCopy().put("kind", "message");
            } else {
                record = mapper.createObjectNode().put("id", taskId).put("contextId", contextId);
                record.set("status", status("submitted", null));
                record.putArray("history").add(msg);
                record.putArray("artifacts");
                record.putObject("metadata").put("agent", agentId).put("client", caller.label());
                record.put("kind", "task");
            }
            ObjectNode payload = mapper.createObjectNode();
            payload.set("message", msg);
            if (params.has("configuration")) {
                payload.set("configuration", params.path("configuration"));
            }
            if (params.has("metadata")) {
                payload.set("metadata", params.path("metadata"));
            }
            SendCommand command = new SendCommand("agent:" + agentId, null, SEND_TYPE, derived("message", agentId, origin),
                    taskId, taskId, bytes(payload), "application/json", null, Map.of());
            JsonNode push = params.path("configuration").path("pushNotificationConfig");
            ObjectNode pushConfig = push.isObject() ? pushConfig(push, taskId) : null;
            return messages.send(caller, command)
                    .thenCompose(sent -> log.append(taskId, task == null ? agentId : null, record))
                    .thenCompose(md -> pushConfig == null ? CompletableFuture.completedFuture(null) : appendPush(taskId, pushConfig))
                    .thenApply(done -> taskId);
        });
    }

    /** tasks/get. */
    public CompletableFuture<JsonNode> get(MeshPrincipal caller, String agentId, JsonNode params) {
        String id = requireId(params);
        Integer historyLength = params.path("historyLength").canConvertToInt() ? params.path("historyLength").asInt() : null;
        return ownTask(caller, agentId, id).thenApply(t -> trimmed(t, historyLength));
    }

    /** tasks/cancel: the task canceled, and the agent told so through its inbox. */
    public CompletableFuture<JsonNode> cancel(MeshPrincipal caller, String agentId, JsonNode params) {
        String id = requireId(params);
        ObjectNode payload = mapper.createObjectNode().put("id", id);
        SendCommand tell = new SendCommand("agent:" + agentId, null, CANCEL_TYPE, null, id, id, bytes(payload),
                "application/json", null, Map.of());
        return ownTask(caller, agentId, id).thenCompose(task -> {
            if (TaskFold.isFinal(task)) {
                throw new JsonRpc.Failure(JsonRpc.TASK_NOT_CANCELABLE, "task " + id + " is " + TaskFold.state(task));
            }
            return log.append(id, null, update(id, task.path("contextId").asText(), "canceled", null))
                    .thenCompose(md -> view.read(md.partition(), md.offset(), READ_OWN_WRITE))
                    .thenApply(read -> {
                        ObjectNode now = view.task(id).orElse(task);
                        if (!"canceled".equals(TaskFold.state(now))) {
                            // the agent finished it first
                            throw new JsonRpc.Failure(JsonRpc.TASK_NOT_CANCELABLE, "task " + id + " is " + TaskFold.state(now));
                        }
                        // the agent is told; the task is canceled whether or not that message goes
                        messages.send(caller, tell).exceptionally(e -> null);
                        return (JsonNode) now;
                    });
        });
    }

    /** Records an update of the task from its agent (or an operator); completes with the task after it. */
    public CompletableFuture<ObjectNode> record(String taskId, ObjectNode update) {
        return log.append(taskId, null, update)
                .thenCompose(md -> view.read(md.partition(), md.offset(), READ_OWN_WRITE))
                .thenApply(read -> view.task(taskId).orElse(null));
    }

    /** The most tasks one tasks/list page holds, and how many it holds unless asked. */
    static final int MAX_PAGE = 100;
    static final int DEFAULT_PAGE = 50;

    /**
     * tasks/list (1.0 ListTasks): the agent's tasks the caller may see, most recently updated first,
     * filtered by {@code contextId}, {@code status} (a state, as in 0.3 or 1.0's TASK_STATE_ names)
     * and {@code lastUpdatedAfter} (epoch milliseconds); paged by {@code pageSize} (1-100, default
     * 50) and the answer's {@code nextPageToken} (an offset: a task updated between two pages may move
     * across them); {@code historyLength} trims each task's history and {@code includeArtifacts:
     * false} leaves artifacts out.
     */
    public CompletableFuture<JsonNode> list(MeshPrincipal caller, String agentId, JsonNode params) {
        String contextId = params.path("contextId").asText(null);
        String status = params.path("status").isTextual() ? stateName(params.path("status").asText()) : null;
        long after = params.path("lastUpdatedAfter").asLong(0);
        int pageSize = params.has("pageSize") ? params.path("pageSize").asInt(-1) : DEFAULT_PAGE;
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "pageSize must be 1.." + MAX_PAGE);
        }
        int from;
        try {
            from = params.path("pageToken").asText("").isEmpty() ? 0 : Integer.parseInt(params.path("pageToken").asText());
            if (from < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "pageToken is not one this gateway gave");
        }
        Integer historyLength = params.path("historyLength").canConvertToInt() ? params.path("historyLength").asInt() : null;
        boolean artifacts = params.path("includeArtifacts").asBoolean(true);
        List<ObjectNode> tasks = new java.util.ArrayList<>(view.tasksOf(agentId, t -> maySee(caller, agentId, t)
                && (contextId == null || contextId.equals(t.path("contextId").asText()))
                && (status == null || status.equals(TaskFold.state(t)))
                && updatedAt(t) > after));
        tasks.sort(java.util.Comparator.comparingLong(A2aGateway::updatedAt).reversed()
                .thenComparing(t -> t.path("id").asText()));
        ObjectNode out = mapper.createObjectNode();
        ArrayNode page = out.putArray("tasks");
        for (int i = from; i < Math.min(tasks.size(), from + pageSize); i++) {
            ObjectNode t = tasks.get(i);
            if (!artifacts) {
                t.remove("artifacts");
            }
            page.add(trimmed(t, historyLength));
        }
        out.put("totalSize", tasks.size()).put("pageSize", pageSize)
                .put("nextPageToken", from + pageSize < tasks.size() ? Integer.toString(from + pageSize) : "");
        return CompletableFuture.completedFuture(out);
    }

    /** A state as the task holds it: 0.3's "input-required" for 1.0's TASK_STATE_INPUT_REQUIRED too. */
    private static String stateName(String raw) {
        String s = raw.startsWith("TASK_STATE_") ? raw.substring("TASK_STATE_".length()) : raw;
        return s.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static long updatedAt(JsonNode task) {
        try {
            return Instant.parse(task.path("status").path("timestamp").asText()).toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Push notification configs a task may have. */
    static final int MAX_PUSH_CONFIGS = 10;

    /** tasks/pushNotificationConfig/set: params = TaskPushNotificationConfig {taskId, pushNotificationConfig}. */
    public CompletableFuture<JsonNode> setPush(MeshPrincipal caller, String agentId, JsonNode params) {
        String taskId = params.path("taskId").asText(null);
        if (taskId == null || taskId.isBlank()) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "params.taskId is required");
        }
        ObjectNode config = pushConfig(params.path("pushNotificationConfig"), taskId);
        return ownTask(caller, agentId, taskId).thenCompose(task -> {
            List<ObjectNode> now = view.pushConfigs(taskId);
            boolean replaces = now.stream().anyMatch(c -> c.path("id").asText().equals(config.path("id").asText()));
            if (!replaces && now.size() >= MAX_PUSH_CONFIGS) {
                throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "a task has at most " + MAX_PUSH_CONFIGS
                        + " push notification configs");
            }
            return appendPush(taskId, config);
        }).thenApply(md -> taskPushConfig(taskId, config));
    }

    /** tasks/pushNotificationConfig/get: params {id, pushNotificationConfigId?} (the first config without one). */
    public CompletableFuture<JsonNode> getPush(MeshPrincipal caller, String agentId, JsonNode params) {
        String taskId = requireId(params);
        String configId = params.path("pushNotificationConfigId").asText(null);
        return ownTask(caller, agentId, taskId).thenApply(task -> view.pushConfigs(taskId).stream()
                .filter(c -> configId == null || configId.equals(c.path("id").asText()))
                .findFirst().map(c -> taskPushConfig(taskId, c))
                .orElseThrow(() -> new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "task " + taskId + " has no push "
                        + "notification config" + (configId == null ? "" : " " + configId))));
    }

    /** tasks/pushNotificationConfig/list: params {id}. */
    public CompletableFuture<JsonNode> listPush(MeshPrincipal caller, String agentId, JsonNode params) {
        String taskId = requireId(params);
        return ownTask(caller, agentId, taskId).thenApply(task -> {
            var out = mapper.createArrayNode();
            view.pushConfigs(taskId).forEach(c -> out.add(taskPushConfig(taskId, c)));
            return out;
        });
    }

    /** tasks/pushNotificationConfig/delete: params {id, pushNotificationConfigId}. */
    public CompletableFuture<JsonNode> deletePush(MeshPrincipal caller, String agentId, JsonNode params) {
        String taskId = requireId(params);
        String configId = params.path("pushNotificationConfigId").asText(null);
        if (configId == null) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "params.pushNotificationConfigId is required");
        }
        ObjectNode deleted = mapper.createObjectNode().put("kind", TaskView.PUSH_CONFIG_DELETED).put("taskId", taskId)
                .put("pushNotificationConfigId", configId);
        return ownTask(caller, agentId, taskId)
                .thenCompose(task -> log.append(taskId, null, deleted))
                .thenCompose(md -> view.read(md.partition(), md.offset(), READ_OWN_WRITE))
                .thenApply(read -> (JsonNode) mapper.nullNode());
    }

    private CompletableFuture<Void> appendPush(String taskId, ObjectNode config) {
        ObjectNode record = mapper.createObjectNode().put("kind", TaskView.PUSH_CONFIG).put("taskId", taskId);
        record.set("pushNotificationConfig", config);
        return log.append(taskId, null, record).thenCompose(md -> view.read(md.partition(), md.offset(), READ_OWN_WRITE));
    }

    private ObjectNode taskPushConfig(String taskId, JsonNode config) {
        ObjectNode out = mapper.createObjectNode().put("taskId", taskId);
        out.set("pushNotificationConfig", config);
        return out;
    }

    /** A client's PushNotificationConfig, checked: an http(s) URL the mesh may reach, bounded fields; id defaults to the task's. */
    ObjectNode pushConfig(JsonNode given, String taskId) {
        if (!given.isObject()) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "pushNotificationConfig is required");
        }
        String url = given.path("url").asText("");
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "pushNotificationConfig.url is not a URL");
        }
        if (url.length() > 2048 || uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "pushNotificationConfig.url must be an http(s) URL");
        }
        guard.refusal(uri).ifPresent(reason -> {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "pushNotificationConfig.url is refused: " + reason);
        });
        ObjectNode c = mapper.createObjectNode().put("url", url);
        String id = given.path("id").isTextual() ? given.path("id").asText() : taskId;
        if (id.isBlank() || id.length() > 128) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "pushNotificationConfig.id: 1-128 characters");
        }
        c.put("id", id);
        if (given.path("token").isTextual()) {
            if (given.path("token").asText().length() > 1024) {
                throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "pushNotificationConfig.token: at most 1024 characters");
            }
            c.put("token", given.path("token").asText());
        }
        JsonNode auth = given.path("authentication");
        if (auth.isObject()) {
            if (!auth.path("schemes").isArray() || auth.path("schemes").size() > 8
                    || !auth.path("credentials").isMissingNode() && !auth.path("credentials").isTextual()
                    || auth.path("credentials").asText("").length() > 4096) {
                throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "pushNotificationConfig.authentication: "
                        + "{\"schemes\": [...], \"credentials\"?: string}");
            }
            c.set("authentication", auth.deepCopy());
        }
        return c;
    }

    /** A status-update event of the log. */
    ObjectNode update(String taskId, String contextId, String state, String text) {
        ObjectNode e = mapper.createObjectNode().put("kind", "status-update").put("taskId", taskId).put("contextId", contextId);
        e.set("status", status(state, text == null ? null : agentText(taskId, contextId, text)));
        e.put("final", TaskFold.FINAL.contains(state));
        return e;
    }

    private ObjectNode agentText(String taskId, String contextId, String text) {
        ObjectNode m = mapper.createObjectNode().put("role", "agent").put("kind", "message")
                .put("messageId", UUID.randomUUID().toString()).put("taskId", taskId).put("contextId", contextId);
        m.putArray("parts").addObject().put("kind", "text").put("text", text);
        return m;
    }

    ObjectNode status(String state, JsonNode message) {
        ObjectNode s = mapper.createObjectNode().put("state", state).put("timestamp", Instant.now(clock).toString());
        if (message != null) {
            s.set("message", message);
        }
        return s;
    }

    /**
     * The task, if it is this agent's and the caller may see it (its client, the agent, an operator).
     * One this node does not hold yet is waited for a moment: another node may have just written it,
     * or this node may still be reading the log since it started.
     */
    CompletableFuture<ObjectNode> ownTask(MeshPrincipal caller, String agentId, String taskId) {
        return lookUp(view, taskId).thenApply(task -> {
            if (task == null || !agentId.equals(view.agentOf(taskId).orElse(null)) || !maySee(caller, agentId, task)) {
                throw new JsonRpc.Failure(JsonRpc.TASK_NOT_FOUND, "no task " + taskId + " of agent " + agentId);
            }
            return task;
        });
    }

    /**
     * The task as this node holds it, or null. One it does not hold yet is waited for a moment (another
     * node may have just written it, or this node is still reading the log since it started); an id
     * the mesh never makes (every task id it makes is a UUID) is no task, answered at once.
     */
    static CompletableFuture<ObjectNode> lookUp(TaskView view, String taskId) {
        if (taskId == null || !MESH_TASK_ID.matcher(taskId).matches()) {
            return CompletableFuture.completedFuture(null);
        }
        return view.when(taskId, t -> true, view.caughtUp() ? LAG_GRACE : READ_OWN_WRITE);
    }

    static boolean maySee(MeshPrincipal caller, String agentId, JsonNode task) {
        return caller.isOpen() || caller.isOperator()
                || (caller.isAgent() && caller.name().equals(agentId))
                || caller.label().equals(task.path("metadata").path("client").asText());
    }

    private JsonNode trimmed(ObjectNode task, Integer historyLength) {
        if (historyLength != null && historyLength >= 0 && task.path("history").isArray()) {
            ArrayNode history = (ArrayNode) task.path("history");
            while (history.size() > historyLength) {
                history.remove(0);
            }
        }
        return task;
    }

    private static void requireMessage(JsonNode message) {
        if (!message.isObject()) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "params.message is required");
        }
        if (!message.path("messageId").isTextual() || message.path("messageId").asText().isBlank()
                || message.path("messageId").asText().length() > 256) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "params.message.messageId: a string of 1-256 characters is required");
        }
        if (!"user".equals(message.path("role").asText())) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "params.message.role must be \"user\"");
        }
        if (!message.path("parts").isArray() || message.path("parts").isEmpty()) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "params.message.parts: at least one part is required");
        }
        if (message.has("taskId") && !message.path("taskId").isTextual()) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "params.message.taskId must be a string");
        }
    }

    private static String requireId(JsonNode params) {
        if (!params.path("id").isTextual() || params.path("id").asText().isBlank()) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "params.id (the task id) is required");
        }
        return params.path("id").asText();
    }

    /** An id derived from the agent and the client's messageId: a resent message maps to the same one. */
    static String derived(String what, String agentId, String messageId) {
        return UUID.nameUUIDFromBytes((what + "\u0000" + agentId + "\u0000" + messageId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw MeshException.invalid("cannot encode: " + e.getOriginalMessage());
        }
    }
}
