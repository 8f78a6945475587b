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
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * The A2A HTTP+JSON binding at {@code /a2a/{agentId}/v1/...}: the same methods as the JSON-RPC
 * binding ({@link A2aRpcResource}) over the same gateway and tasks, with the specification's REST
 * paths and its protobuf messages in JSON as bodies ({@link A2aProtoJson}). Errors are HTTP
 * statuses with {@code {"error": "<the A2A SDK's error class>", "message": ...}}, which the A2A Java
 * SDK's REST transport reads back as the same error.
 */
@Path("/a2a/{agentId}/v1")
public final class A2aRestResource {

    private static final Map<Integer, String> ERRORS = Map.of(
            JsonRpc.PARSE_ERROR, "io.a2a.spec.JSONParseError",
            JsonRpc.INVALID_REQUEST, "io.a2a.spec.InvalidRequestError",
            JsonRpc.METHOD_NOT_FOUND, "io.a2a.spec.MethodNotFoundError",
            JsonRpc.INVALID_PARAMS, "io.a2a.spec.InvalidParamsError",
            JsonRpc.INTERNAL_ERROR, "io.a2a.spec.InternalError",
            JsonRpc.TASK_NOT_FOUND, "io.a2a.spec.TaskNotFoundError",
            JsonRpc.TASK_NOT_CANCELABLE, "io.a2a.spec.TaskNotCancelableError",
            JsonRpc.PUSH_NOT_SUPPORTED, "io.a2a.spec.PushNotificationNotSupportedError",
            JsonRpc.UNSUPPORTED_OPERATION, "io.a2a.spec.UnsupportedOperationError");

    private final A2aGateway gateway;
    private final TaskView view;
    private final A2aProtoJson proto;
    private final ObjectMapper mapper;
    private final ExecutorService streams;
    private final Executor replies;

    public A2aRestResource(A2aGateway gateway, TaskView view, ObjectMapper mapper, ExecutorService streams, Executor replies) {
        this.gateway = gateway;
        this.view = view;
        this.mapper = mapper;
        this.proto = new A2aProtoJson(mapper);
        this.streams = streams;
        this.replies = replies;
    }

    @POST
    @Path("message:send")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void send(@PathParam("agentId") String agentId, @HeaderParam("A2A-Version") String version, byte[] body,
                     @Context SecurityContext context, @Suspended AsyncResponse response) {
        answer(response, () -> {
            checkVersion(version);
            return gateway.send(Callers.of(context), agentId, proto.sendParams(body));
        }, proto::sendResult);
    }

    @POST
    @Path("message:stream")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
    @Allow(Access.SEND)
    public void stream(@PathParam("agentId") String agentId, @HeaderParam("A2A-Version") String version, byte[] body,
                       @Context SecurityContext context, @Suspended AsyncResponse response) {
        try {
            checkVersion(version);
            gateway.stream(Callers.of(context), agentId, proto.sendParams(body)).whenCompleteAsync((task, error) ->
                    response.resume(error == null ? events(task, null) : failure(error)), replies);
        } catch (RuntimeException e) {
            response.resume(failure(e));
        }
    }

    @GET
    @Path("tasks/{taskId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void get(@PathParam("agentId") String agentId, @PathParam("taskId") String taskId,
                    @QueryParam("historyLength") Integer historyLength, @Context SecurityContext context,
                    @Suspended AsyncResponse response) {
        var params = mapper.createObjectNode().put("id", taskId);
        if (historyLength != null) {
            params.put("historyLength", historyLength);
        }
        answer(response, () -> gateway.get(Callers.of(context), agentId, params), proto::task);
    }

    @POST
    @Path("tasks/{taskId}:cancel")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void cancel(@PathParam("agentId") String agentId, @PathParam("taskId") String taskId,
                       @Context SecurityContext context, @Suspended AsyncResponse response) {
        answer(response, () -> gateway.cancel(Callers.of(context), agentId, mapper.createObjectNode().put("id", taskId)),
                proto::task);
    }

    @POST
    @Path("tasks/{taskId}:subscribe")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
    @Allow(Access.SEND)
    public void subscribe(@PathParam("agentId") String agentId, @PathParam("taskId") String taskId,
                          @HeaderParam("Last-Event-ID") String lastEventId, @Context SecurityContext context,
                          @Suspended AsyncResponse response) {
        try {
            Long from = A2aRpcResource.lastEvent(lastEventId);
            MeshPrincipal caller = Callers.of(context);
            gateway.resubscribe(caller, agentId, mapper.createObjectNode().put("id", taskId)).whenCompleteAsync((task, error) ->
                    response.resume(error == null ? events(task, from) : failure(error)), replies);
        } catch (RuntimeException e) {
            response.resume(failure(e));
        }
    }

    @POST
    @Path("tasks/{taskId}/pushNotificationConfigs")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void setPush(@PathParam("agentId") String agentId, @PathParam("taskId") String taskId, byte[] body,
                        @Context SecurityContext context, @Suspended AsyncResponse response) {
        answer(response, () -> gateway.setPush(Callers.of(context), agentId, proto.pushSetParams(taskId, body)),
                proto::pushConfig);
    }

    @GET
    @Path("tasks/{taskId}/pushNotificationConfigs")
    @Produces(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void listPush(@PathParam("agentId") String agentId, @PathParam("taskId") String taskId,
                         @Context SecurityContext context, @Suspended AsyncResponse response) {
        answer(response, () -> gateway.listPush(Callers.of(context), agentId, mapper.createObjectNode().put("id", taskId)),
                proto::pushConfigs);
    }

    @GET
    @Path("tasks/{taskId}/pushNotificationConfigs/{configId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void getPush(@PathParam("agentId") String agentId, @PathParam("taskId") String taskId,
                        @PathParam("configId") String configId, @Context SecurityContext context,
                        @Suspended AsyncResponse response) {
        answer(response, () -> gateway.getPush(Callers.of(context), agentId, mapper.createObjectNode().put("id", taskId)
                .put("pushNotificationConfigId", configId)), proto::pushConfig);
    }

    @DELETE
    @Path("tasks/{taskId}/pushNotificationConfigs/{configId}")
    @Allow(Access.SEND)
    public void deletePush(@PathParam("agentId") String agentId, @PathParam("taskId") String taskId,
                           @PathParam("configId") String configId, @Context SecurityContext context,
                           @Suspended AsyncResponse response) {
        try {
            gateway.deletePush(Callers.of(context), agentId, mapper.createObjectNode().put("id", taskId)
                    .put("pushNotificationConfigId", configId)).whenCompleteAsync((done, error) ->
                    response.resume(error == null ? Response.noContent().build() : failure(error)), replies);
        } catch (RuntimeException e) {
            response.resume(failure(e));
        }
    }

    private static void checkVersion(String version) {
        if (version != null && !A2aRpcResource.VERSIONS.contains(version.trim())) {
            throw new JsonRpc.Failure(JsonRpc.VERSION_NOT_SUPPORTED, "A2A-Version " + version + " is not served; "
                    + "this gateway speaks 0.3 and 1.0");
        }
    }

    /** Runs the call and resumes with its result, converted, or with the error it ended in. */
    private void answer(AsyncResponse response, java.util.function.Supplier<CompletableFuture<JsonNode>> call,
                        Function<JsonNode, String> convert) {
        try {
            call.get().whenCompleteAsync((value, error) -> {
                if (error != null) {
                    response.resume(failure(error));
                    return;
                }
                try {
                    response.resume(Response.ok(convert.apply(value), MediaType.APPLICATION_JSON_TYPE).build());
                } catch (RuntimeException e) {
                    response.resume(failure(e));
                }
            }, replies);
        } catch (RuntimeException e) {
            response.resume(failure(e));
        }
    }

    private Response events(String taskId, Long from) {
        TaskStream.Encoding rest = new TaskStream.Encoding() {
            @Override
            public JsonNode result(com.fasterxml.jackson.databind.node.ObjectNode taskOrUpdate) {
                return proto.streamItem(taskOrUpdate);
            }

            @Override
            public JsonNode notFound(String message) {
                return error(JsonRpc.TASK_NOT_FOUND, message);
            }

            @Override
            public JsonNode failed(String message) {
                return error(JsonRpc.INTERNAL_ERROR, message);
            }
        };
        try {
            return Response.ok(new TaskStream(view, taskId, rest, from, mapper, A2aRpcResource.STREAM_MAX).open(streams),
                    MediaType.SERVER_SENT_EVENTS_TYPE).header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no")
                    .build();
        } catch (RuntimeException e) {
            return failure(e);
        }
    }

    private JsonNode error(int code, String message) {
        return mapper.createObjectNode().put("error", ERRORS.getOrDefault(code, "io.a2a.spec.InternalError"))
                .put("message", message).put("code", code);
    }

    /** The A2A error as the HTTP+JSON binding answers it: a status and the error body. */
    private Response failure(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        int code;
        int status;
        String message;
        Throwable unwrapped = KafkaFailures.unwrap(e);
        if (e instanceof JsonRpc.Failure f) {
            code = f.code;
            message = f.getMessage();
            status = switch (code) {
                case JsonRpc.TASK_NOT_FOUND -> 404;
                case JsonRpc.TASK_NOT_CANCELABLE -> 409;
                case JsonRpc.INTERNAL_ERROR -> 500;
                default -> 400;
            };
        } else if (unwrapped instanceof MeshException m) {
            // the mesh's refusal (rate limit, Kafka down, policy) keeps its own status
            code = m.code().httpStatus() < 500 ? JsonRpc.INVALID_PARAMS : JsonRpc.INTERNAL_ERROR;
            message = m.getMessage();
            status = m.code().httpStatus();
        } else {
            code = JsonRpc.INTERNAL_ERROR;
            message = "internal error";
            status = 500;
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error(code, message)).build();
    }
}
