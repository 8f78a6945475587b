package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.auth.Callers;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The A2A JSON-RPC binding at {@code /a2a/{agentId}}: {@code message/send}, {@code message/stream},
 * {@code tasks/get}, {@code tasks/list}, {@code tasks/cancel} and {@code tasks/resubscribe} (and
 * their A2A 1.0 names),
 * answered with HTTP 200 and a JSON-RPC result or error as the binding wants, the streaming ones as
 * server-sent events ({@link TaskStream}); the methods this version does not serve yet answer the
 * specification's "unsupported operation" error.
 */
@Path("/a2a/{agentId}")
public final class A2aRpcResource {

    /** A2A versions whose method names are served; the {@code A2A-Version} header picks one. */
    static final Set<String> VERSIONS = Set.of("0.3", "0.3.0", "1.0", "1.0.0");
    private static final Set<String> SEND = Set.of("message/send", "SendMessage");
    private static final Set<String> GET = Set.of("tasks/get", "GetTask");
    private static final Set<String> CANCEL = Set.of("tasks/cancel", "CancelTask");
    private static final Set<String> STREAM = Set.of("message/stream", "SendStreamingMessage");
    private static final Set<String> RESUBSCRIBE = Set.of("tasks/resubscribe", "SubscribeToTask");
    private static final Set<String> LIST = Set.of("tasks/list", "ListTasks");
    private static final Set<String> NOT_YET = Set.of("agent/getAuthenticatedExtendedCard", "GetExtendedAgentCard");
    /** The longest a stream stays open; a client resubscribes (from its last event id) to follow on. */
    static final java.time.Duration STREAM_MAX = java.time.Duration.ofMinutes(30);
    private static final Set<String> PUSH_SET = Set.of("tasks/pushNotificationConfig/set", "SetTaskPushNotificationConfig",
            "CreateTaskPushNotificationConfig");
    private static final Set<String> PUSH_GET = Set.of("tasks/pushNotificationConfig/get", "GetTaskPushNotificationConfig");
    private static final Set<String> PUSH_LIST = Set.of("tasks/pushNotificationConfig/list", "ListTaskPushNotificationConfig");
    private static final Set<String> PUSH_DELETE = Set.of("tasks/pushNotificationConfig/delete",
            "DeleteTaskPushNotificationConfig");

    private final A2aGateway gateway;
    private final TaskView view;
    private final ObjectMapper mapper;
    private final java.util.concurrent.ExecutorService streams;
    private final java.util.concurrent.Executor replies;

    public A2aRpcResource(A2aGateway gateway, TaskView view, ObjectMapper mapper, java.util.concurrent.ExecutorService streams,
                          java.util.concurrent.Executor replies) {
        this.streams = streams;
        this.replies = replies;
        this.gateway = gateway;
        this.view = view;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Allow(Access.SEND)
    public void call(@PathParam("agentId") String agentId, @HeaderParam("A2A-Version") String version,
                     @HeaderParam("Last-Event-ID") String lastEventId, byte[] body,
                     @Context SecurityContext context, @Suspended AsyncResponse response) {
        JsonNode request;
        try {
            request = mapper.readTree(body == null ? new byte[0] : body);
        } catch (Exception e) {
            response.resume(ok(JsonRpc.error(mapper, null, JsonRpc.PARSE_ERROR, "not JSON: " + e.getMessage(), null)));
            return;
        }
        JsonNode id = request == null ? null : request.get("id");
        try {
            if (request == null || !request.isObject() || !"2.0".equals(request.path("jsonrpc").asText())
                    || !request.path("method").isTextual()) {
                throw new JsonRpc.Failure(JsonRpc.INVALID_REQUEST, "a JSON-RPC 2.0 request object with a method is required");
            }
            if (version != null && !VERSIONS.contains(version.trim())) {
                throw new JsonRpc.Failure(JsonRpc.VERSION_NOT_SUPPORTED, "A2A-Version " + version + " is not served; "
                        + "this gateway speaks 0.3 and 1.0");
            }
            MeshPrincipal caller = Callers.of(context);
            String method = request.path("method").asText();
            JsonNode params = request.path("params");
            CompletableFuture<JsonNode> result;
            if (SEND.contains(method)) {
                result = gateway.send(caller, agentId, params);
            } else if (GET.contains(method)) {
                result = gateway.get(caller, agentId, params);
            } else if (CANCEL.contains(method)) {
                result = gateway.cancel(caller, agentId, params);
            } else if (STREAM.contains(method)) {
                gateway.stream(caller, agentId, params).whenCompleteAsync((task, error) -> response.resume(error == null
                        ? events(new TaskStream(view, task, TaskStream.jsonRpc(mapper, id), null, mapper, STREAM_MAX), id) : ok(failure(id, error))), replies);
                return;
            } else if (RESUBSCRIBE.contains(method)) {
                Long from = lastEvent(lastEventId);
                gateway.resubscribe(caller, agentId, params).whenCompleteAsync((task, error) -> response.resume(error == null
                        ? events(new TaskStream(view, task, TaskStream.jsonRpc(mapper, id), from, mapper, STREAM_MAX), id) : ok(failure(id, error))), replies);
                return;
            } else if (PUSH_SET.contains(method)) {
                result = gateway.setPush(caller, agentId, params);
            } else if (LIST.contains(method)) {
                result = gateway.list(caller, agentId, params.isObject() ? params : mapper.createObjectNode());
            } else if (PUSH_GET.contains(method)) {
                result = gateway.getPush(caller, agentId, params);
            } else if (PUSH_LIST.contains(method)) {
                result = gateway.listPush(caller, agentId, params);
            } else if (PUSH_DELETE.contains(method)) {
                result = gateway.deletePush(caller, agentId, params);
            } else if (NOT_YET.contains(method)) {
                throw new JsonRpc.Failure(JsonRpc.UNSUPPORTED_OPERATION, method + " is not served by this version");
            } else {
                throw new JsonRpc.Failure(JsonRpc.METHOD_NOT_FOUND, "no method " + method);
            }
            // answered off the thread that completed the call (a Kafka client's)
            result.whenCompleteAsync((value, error) -> response.resume(ok(error == null
                    ? JsonRpc.result(mapper, id, value) : failure(id, error))), replies);
        } catch (RuntimeException e) {
            response.resume(ok(failure(id, e)));
        }
    }

    private com.fasterxml.jackson.databind.node.ObjectNode failure(JsonNode id, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof JsonRpc.Failure f) {
            return JsonRpc.error(mapper, id, f.code, f.getMessage(), f.data);
        }
        Throwable unwrapped = KafkaFailures.unwrap(e);
        if (unwrapped instanceof MeshException m) {
            // the mesh's refusal (rate limit, Kafka down, policy) as an internal error carrying its code
            int code = m.code().httpStatus() < 500 ? JsonRpc.INVALID_PARAMS : JsonRpc.INTERNAL_ERROR;
            return JsonRpc.error(mapper, id, code, m.getMessage(), mapper.createObjectNode().put("code", m.code().name())
                    .put("status", m.code().httpStatus()));
        }
        return JsonRpc.error(mapper, id, JsonRpc.INTERNAL_ERROR, "internal error", null);
    }

    /** The stream's response, or the JSON-RPC error when it cannot start (too many streams on this node). */
    private Response events(TaskStream stream, JsonNode id) {
        try {
            return Response.ok(stream.open(streams), MediaType.SERVER_SENT_EVENTS_TYPE).header("Cache-Control", "no-cache")
                    .header("X-Accel-Buffering", "no").build();
        } catch (RuntimeException e) {
            return ok(failure(id, e));
        }
    }

    /** The SSE Last-Event-ID a client reconnects with: the sequence number of the last event it has. */
    static Long lastEvent(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long seq = Long.parseLong(raw.trim());
            if (seq < 0) {
                throw new NumberFormatException();
            }
            return seq;
        } catch (NumberFormatException e) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "Last-Event-ID '" + raw + "' is not an event id of this stream "
                    + "(a sequence number)");
        }
    }

    private static Response ok(Object body) {
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
