package io.agentmesh.service.a2a;

import io.agentmesh.streams.a2a.TaskFold;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.common.BoundedBody;
import io.agentmesh.service.common.OutboundGuard;
import io.agentmesh.service.delivery.InboxRecord;
import io.agentmesh.service.delivery.push.PushTransport;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.errors.OutboundFailures;
import io.agentmesh.service.messaging.MessageService;
import io.agentmesh.service.messaging.SendCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Delivers a message to an agent outside the mesh as an A2A call to its A2A server (agents
 * registered with {@code "delivery": "a2a"}), and sends the server's answer back to the message's
 * sender as a mesh message from that agent.
 *
 * <p>The message's type picks the method: {@value #GET_TYPE} and {@value #CANCEL_TYPE} (data: the
 * task's {@code {"id": ...}}) call {@code tasks/get} and {@code tasks/cancel}; anything else is a
 * blocking {@code message/send}. Its data becomes the A2A message: a JSON object with {@code parts}
 * is taken as an A2A message, a JSON string or text one text part, any other JSON one data part
 * (a non-object as {@code {"value": ...}}), other bytes one
 * file part; the mesh's message id is the A2A {@code messageId} (a redelivery is the same message to
 * the server) unless the data names one.
 *
 * <p>The answer goes to the sender as {@value #RESULT_TYPE} (data: the JSON-RPC result, a task or a
 * message) or {@value #ERROR_TYPE} (data: the JSON-RPC error), correlated to the message, with an id
 * derived from the message's (a redelivered message's answer is the same message, dropped by the
 * router's dedupe), sent by the mesh on the agent's behalf to that sender only. An HTTP 4xx, or a JSON-RPC error saying the call itself was malformed, rejects
 * the message (dead-lettered at once); a 5xx, a timeout, an internal error, or a failure to send the
 * answer is retried like any push.
 */
public final class A2aOutbound implements PushTransport {

    public static final String GET_TYPE = "a2a.tasks.get";
    public static final String CANCEL_TYPE = A2aGateway.CANCEL_TYPE;
    /** Type of the answer the sender receives when the A2A server answered with a result. */
    public static final String RESULT_TYPE = "a2a.result";
    /** Type of the answer the sender receives when the A2A server answered with a JSON-RPC error. */
    public static final String ERROR_TYPE = "a2a.error";
    private static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;
    /**
     * Who sends the answers: the mesh itself, not the agent's namespace policy (the message being
     * answered was its sender's send, already allowed; an answer goes back only to that sender).
     */
    private static final MeshPrincipal ANSWERER = MeshPrincipal.operator("mesh-a2a-outbound",
            io.agentmesh.service.auth.Role.OPERATOR);
    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.delivery");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    private final OutboundGuard guard;
    private final MessageService messages;
    private final ObjectMapper mapper;
    private final TaskLog log;
    private final TaskView view;
    /** How long a blocking A2A call may take (agents may think for minutes); the answer's send takes the push timeout. */
    private final Duration callTimeout;

    /**
     * {@code log} and {@code view}: the gateway's tasks, for messages an A2A client sent through the
     * mesh to an agent behind an A2A server (the server's answer is recorded on the client's task).
     */
    public A2aOutbound(OutboundGuard guard, MessageService messages, ObjectMapper mapper, TaskLog log, TaskView view,
                       Duration callTimeout) {
        this.callTimeout = callTimeout;
        this.guard = guard;
        this.messages = messages;
        this.mapper = mapper;
        this.log = log;
        this.view = view;
    }

    @Override
    public Result post(URI endpoint, InboxRecord record, Duration timeout) {
        if (RESULT_TYPE.equals(record.type()) || ERROR_TYPE.equals(record.type())) {
            // an answer to an answer would be called out again, and answered again, without end
            return new Result(Outcome.DELIVERED, "an A2A answer is not passed to an A2A server");
        }
        java.util.Optional<String> refused = guard.refusal(endpoint);
        if (refused.isPresent()) {
            return new Result(Outcome.REJECTED, "endpoint refused: " + refused.get());
        }
        ObjectNode call;
        try {
            call = call(record);
        } catch (IllegalArgumentException e) {
            return new Result(Outcome.REJECTED, e.getMessage());
        }
        if (call == null) {
            return new Result(Outcome.DELIVERED, "a cancel of a task the A2A server never started: nothing to call");
        }
        HttpResponse<byte[]> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(callTimeout)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(call))).build();
            response = http.sendAsync(request, BoundedBody.upTo(MAX_ANSWER_BYTES))
                    .orTimeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof BoundedBody.TooLarge) {
                answerSender(record, ERROR_TYPE, error(JsonRpc.INTERNAL_ERROR, "the A2A server's answer is longer than the "
                        + MAX_ANSWER_BYTES + " bytes the mesh passes on"), timeout);
                return new Result(Outcome.REJECTED, "the A2A server answered more than " + MAX_ANSWER_BYTES + " bytes");
            }
            return new Result(Outcome.FAILED, OutboundFailures.describe(e, callTimeout, endpoint));
        } catch (IOException | IllegalArgumentException e) {
            return new Result(Outcome.FAILED, "cannot build the request: " + e.getMessage());
        }
        int code = response.statusCode();
        if (code < 200 || code >= 300) {
            // 408 and 429 say "later", as 5xx do; any other 4xx refuses this call for good
            boolean refusedForGood = code >= 400 && code < 500 && code != 408 && code != 429;
            return new Result(refusedForGood ? Outcome.REJECTED : Outcome.FAILED, "HTTP " + code);
        }
        JsonNode answer;
        try {
            answer = mapper.readTree(response.body());
        } catch (IOException e) {
            return new Result(Outcome.FAILED, "HTTP " + code + " but not JSON-RPC: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (answer == null || !answer.isObject() || !answer.has("result") && !answer.path("error").isObject()) {
            return new Result(Outcome.FAILED, "HTTP " + code + " but neither a JSON-RPC result nor an error");
        }
        JsonNode error = answer.path("error");
        if (error.isObject()) {
            int rpcCode = error.path("code").asInt();
            if (rpcCode == JsonRpc.INTERNAL_ERROR) {
                return new Result(Outcome.FAILED, "JSON-RPC error " + rpcCode + ": " + error.path("message").asText());
            }
            // -32700..-32600: parse error, invalid request, method not found, invalid params: this call
            // will never work (dead-lettered), and whoever waits for its answer is told
            if (rpcCode >= JsonRpc.PARSE_ERROR && rpcCode <= JsonRpc.INVALID_REQUEST) {
                if (gatewayTask(record) != null) {
                    recordOnTask(gatewayTask(record), null, error, timeout);
                } else {
                    answerSender(record, ERROR_TYPE, error, timeout);
                }
                return new Result(Outcome.REJECTED, "JSON-RPC error " + rpcCode + ": " + error.path("message").asText());
            }
        }
        if (gatewayTask(record) != null) {
            return recordOnTask(gatewayTask(record), error.isObject() ? null : answer.path("result"), error, timeout);
        }
        return answerSender(record, error.isObject() ? ERROR_TYPE : RESULT_TYPE, error.isObject() ? error : answer.path("result"),
                timeout);
    }

    /**
     * The gateway's task a record belongs to, when an A2A client sent it through the mesh: a
     * {@value A2aGateway#SEND_TYPE} (correlated by task id) or the gateway's cancel of its task;
     * null for a mesh agent's own message.
     */
    private String gatewayTask(InboxRecord record) {
        if (A2aGateway.SEND_TYPE.equals(record.type())) {
            return record.correlationId();
        }
        if (CANCEL_TYPE.equals(record.type()) && record.correlationId() != null
                && view.agentOf(record.correlationId()).isPresent()) {
            return record.correlationId();
        }
        return null;
    }

    /** The A2A server's own id for the gateway's task (from its answer to the task's first message), if known. */
    private String remoteTaskId(String gatewayTaskId) {
        return view.task(gatewayTaskId).map(t -> t.path("metadata").path("agentmesh").path("remote_task_id").asText(null))
                .orElse(null);
    }

    /**
     * The A2A server's answer, recorded on the client's task: its artifacts, then its status (with
     * the server's task and context ids kept in the task's metadata, so the client's next message
     * on the task continues the server's task); a message answer completes the task with it; an
     * error fails it.
     */
    private Result recordOnTask(String taskId, JsonNode result, JsonNode error, Duration timeout) {
        String contextId = view.task(taskId).map(t -> t.path("contextId").asText()).orElse(taskId);
        java.util.List<ObjectNode> events = new java.util.ArrayList<>();
        ObjectNode status = mapper.createObjectNode();
        String state;
        JsonNode message = null;
        if (result == null) {
            state = "failed";
            message = mapper.createObjectNode().put("kind", "message").set("parts", mapper.createArrayNode().add(
                    mapper.createObjectNode().put("kind", "text").put("text", "the A2A agent answered error "
                            + error.path("code").asInt() + ": " + error.path("message").asText())));
        } else if ("message".equals(result.path("kind").asText())) {
            state = "completed";
            message = result;
        } else {
            state = result.path("status").path("state").asText("working");
            message = result.path("status").path("message").isObject() ? result.path("status").path("message") : null;
            for (JsonNode artifact : result.path("artifacts")) {
                ObjectNode e = mapper.createObjectNode().put("kind", "artifact-update").put("taskId", taskId)
                        .put("contextId", contextId);
                e.set("artifact", artifact);
                events.add(e.put("append", false).put("lastChunk", true));
            }
        }
        status.put("state", state).put("timestamp", java.time.Instant.now().toString());
        if (message != null) {
            ObjectNode m = ((ObjectNode) message).deepCopy().put("role", "agent").put("kind", "message")
                    .put("taskId", taskId).put("contextId", contextId);
            if (!m.path("messageId").isTextual()) {
                m.put("messageId", UUID.randomUUID().toString());
            }
            status.set("message", m);
        }
        ObjectNode update = mapper.createObjectNode().put("kind", "status-update").put("taskId", taskId)
                .put("contextId", contextId);
        update.set("status", status);
        update.put("final", TaskFold.FINAL.contains(state));
        if (result != null && "task".equals(result.path("kind").asText())) {
            update.putObject("metadata").putObject("agentmesh").put("remote_task_id", result.path("id").asText())
                    .put("remote_context_id", result.path("contextId").asText());
        }
        events.add(update);
        try {
            for (ObjectNode e : events) {
                log.append(taskId, null, e).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
            }
            return new Result(Outcome.DELIVERED, "A2A answer recorded on task " + taskId + " (" + state + ")");
        } catch (CompletionException e) {
            return new Result(Outcome.FAILED, "the A2A server answered but task " + taskId + " could not be updated: "
                    + (e.getCause() != null ? e.getCause() : e));
        }
    }

    private ObjectNode error(int code, String message) {
        return mapper.createObjectNode().put("code", code).put("message", message);
    }

    /**
     * The JSON-RPC call a record makes; null when there is nothing to call (the client canceled a
     * task the server never started); IllegalArgumentException when its data cannot make one.
     */
    ObjectNode call(InboxRecord record) {
        ObjectNode call = mapper.createObjectNode().put("jsonrpc", "2.0").put("id", record.id());
        String type = record.type() == null ? "" : record.type();
        if (CANCEL_TYPE.equals(type) && gatewayTask(record) != null) {
            String remote = remoteTaskId(record.correlationId());
            if (remote == null) {
                return null;
            }
            call.put("method", "tasks/cancel");
            call.putObject("params").put("id", remote);
            return call;
        }
        if (GET_TYPE.equals(type) || CANCEL_TYPE.equals(type)) {
            JsonNode data = json(record);
            if (data == null || !data.path("id").isTextual()) {
                throw new IllegalArgumentException("a " + type + " message needs JSON data with the task's \"id\"");
            }
            call.put("method", GET_TYPE.equals(type) ? "tasks/get" : "tasks/cancel");
            call.set("params", data);
            return call;
        }
        ObjectNode params = mapper.createObjectNode();
        params.set("message", message(record));
        ObjectNode configuration = params.putObject("configuration").put("blocking", true);
        // required by A2A 0.2 servers, harmless for later ones
        configuration.putArray("acceptedOutputModes").add("text/plain").add("application/json");
        call.put("method", "message/send");
        call.set("params", params);
        return call;
    }

    private ObjectNode message(InboxRecord record) {
        JsonNode data = json(record);
        ObjectNode message;
        if (data != null && data.isObject() && data.path("parts").isArray()) {
            message = ((ObjectNode) data).deepCopy();
        } else if (data != null && data.isObject() && data.path("message").path("parts").isArray()) {
            message = ((ObjectNode) data.path("message")).deepCopy();
            if (gatewayTask(record) != null) {
                // the gateway's ids mean nothing to the server: its own ones continue its task
                message.remove(java.util.List.of("taskId", "contextId"));
                view.task(record.correlationId()).ifPresent(t -> {
                    JsonNode remote = t.path("metadata").path("agentmesh");
                    if (remote.path("remote_task_id").isTextual()) {
                        message.put("taskId", remote.path("remote_task_id").asText())
                                .put("contextId", remote.path("remote_context_id").asText());
                    }
                });
            }
        } else {
            message = mapper.createObjectNode();
            ObjectNode part = message.putArray("parts").addObject();
            String contentType = record.contentType() == null ? "" : record.contentType();
            if (data != null && data.isTextual()) {
                // a JSON string is text (what a REST send of "payload": "..." carries)
                part.put("kind", "text").put("text", data.asText());
            } else if (data != null) {
                part.put("kind", "data");
                if (data.isObject()) {
                    part.set("data", data);
                } else {
                    part.putObject("data").set("value", data);
                }
            } else if (contentType.startsWith("text/") || contentType.isEmpty()) {
                part.put("kind", "text").put("text", new String(record.payload(), StandardCharsets.UTF_8));
            } else {
                part.put("kind", "file").putObject("file").put("mimeType", contentType).put("bytes",
                        java.util.Base64.getEncoder().encodeToString(record.payload()));
            }
        }
        // the mesh is the client of this call, whatever the data said
        message.put("kind", "message").put("role", "user");
        if (!message.path("messageId").isTextual()) {
            message.put("messageId", record.id());
        }
        ObjectNode mesh = mapper.createObjectNode().put("id", record.id()).put("type", record.type());
        if (record.from() != null) {
            mesh.put("from", record.from());
        }
        if (record.correlationId() != null) {
            mesh.put("correlation_id", record.correlationId());
        }
        ObjectNode metadata = message.path("metadata").isObject() ? (ObjectNode) message.path("metadata")
                : message.putObject("metadata");
        metadata.set("agentmesh", mesh);
        return message;
    }

    /** The record's data as JSON, or null when it is not JSON. */
    private JsonNode json(InboxRecord record) {
        String contentType = record.contentType() == null ? "" : record.contentType();
        if (!contentType.contains("json") || record.payload().length == 0) {
            return null;
        }
        try {
            return mapper.readTree(record.payload());
        } catch (IOException e) {
            return null;
        }
    }

    /** Sends the A2A server's answer to whoever sent the message; delivered once it is accepted. */
    private Result answerSender(InboxRecord record, String type, JsonNode data, Duration timeout) {
        String agentId = record.to() != null && record.to().startsWith("agent:") ? record.to().substring(6) : null;
        if (record.from() == null || record.from().isEmpty() || agentId == null) {
            LOG.debug("A2A answer to {} not sent on: the message names no sender", record.id());
            return new Result(Outcome.DELIVERED, "A2A " + type + ", no sender to answer");
        }
        // one answer per message: the id a sender chose is its own, so the sender is part of it
        String id = UUID.nameUUIDFromBytes(("a2a-answer\n" + agentId + "\n" + record.from() + "\n" + record.id())
                .getBytes(StandardCharsets.UTF_8)).toString();
        String correlation = record.correlationId() != null ? record.correlationId() : record.id();
        try {
            SendCommand answer = new SendCommand("agent:" + record.from(), agentId, type, id, correlation, correlation,
                    mapper.writeValueAsBytes(data), "application/json", null, Map.of());
            messages.send(ANSWERER, answer).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
            return new Result(Outcome.DELIVERED, "A2A " + type + " sent to " + record.from());
        } catch (MeshException e) {
            if (e.code() == ErrorCode.PAYLOAD_TOO_LARGE && RESULT_TYPE.equals(type)) {
                // the sender learns why it gets no result, rather than the call being made again
                return answerSender(record, ERROR_TYPE, error(JsonRpc.INTERNAL_ERROR, "the A2A server's answer is larger "
                        + "than a mesh message may be: " + e.getMessage()), timeout);
            }
            if (e.code() == ErrorCode.UNKNOWN_TARGET) {
                LOG.info("A2A answer of {} to {} not sent: {}", agentId, record.from(), e.getMessage());
                return new Result(Outcome.DELIVERED, "A2A " + type + ", the answer not sent: " + e.getMessage());
            }
            return new Result(Outcome.FAILED, "the A2A server answered but the answer could not be sent: " + e.getMessage());
        } catch (CompletionException | IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Result(Outcome.FAILED, "the A2A server answered but the answer could not be sent: " + cause);
        }
    }
}
