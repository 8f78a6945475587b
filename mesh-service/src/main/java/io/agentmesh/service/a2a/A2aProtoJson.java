package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.a2a.grpc.CreateTaskPushNotificationConfigRequest;
import io.a2a.grpc.SendMessageRequest;
import io.a2a.grpc.utils.ProtoUtils;
import io.a2a.spec.EventKind;
import io.a2a.spec.StreamingEventKind;
import io.a2a.spec.Task;
import io.a2a.spec.TaskPushNotificationConfig;
import io.a2a.util.Utils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The A2A HTTP+JSON binding's bodies (the JSON form of the specification's protobuf messages: the
 * {@code request} of a SendMessageRequest, {@code ROLE_USER}, {@code TASK_STATE_COMPLETED}, …)
 * converted to and from the A2A JSON the gateway works in (the JSON-RPC binding's), through the
 * A2A SDK's own spec types and converters, so both bindings carry the same tasks.
 */
final class A2aProtoJson {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private final ObjectMapper mapper;

    A2aProtoJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A SendMessageRequest body as message/send params; JsonRpc.Failure (invalid params) when it is not one. */
    JsonNode sendParams(byte[] body) {
        SendMessageRequest.Builder b = SendMessageRequest.newBuilder();
        parse(body, b, "a SendMessageRequest");
        if (!b.hasRequest()) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "request (the message) is required");
        }
        return tree(convert(() -> ProtoUtils.FromProto.messageSendParams(b)));
    }

    /** A conversion of the client's body by the SDK; what it refuses is the client's bad input. */
    private static <T> T convert(java.util.function.Supplier<T> conversion) {
        try {
            return conversion.get();
        } catch (RuntimeException | io.a2a.spec.JSONRPCError e) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "the request is not a valid A2A request: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** A CreateTaskPushNotificationConfigRequest body as tasks/pushNotificationConfig/set params for {@code taskId}. */
    JsonNode pushSetParams(String taskId, byte[] body) {
        CreateTaskPushNotificationConfigRequest.Builder b = CreateTaskPushNotificationConfigRequest.newBuilder();
        parse(body, b, "a CreateTaskPushNotificationConfigRequest");
        if (b.getParent().isEmpty()) {
            b.setParent("tasks/" + taskId);
        }
        if (!b.hasConfig() || !b.getConfig().hasPushNotificationConfig()) {
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "config.pushNotificationConfig is required");
        }
        if (b.getConfig().getName().isEmpty()) {
            // the SDK reads the task and config ids from the config's resource name
            String id = !b.getConfig().getPushNotificationConfig().getId().isEmpty() ? b.getConfig().getPushNotificationConfig().getId()
                    : !b.getConfigId().isEmpty() ? b.getConfigId() : taskId;
            b.getConfigBuilder().setName("tasks/" + taskId + "/pushNotificationConfigs/" + id);
        }
        var params = (com.fasterxml.jackson.databind.node.ObjectNode) tree(convert(
                () -> ProtoUtils.FromProto.taskPushNotificationConfig(b)));
        params.put("taskId", taskId);
        return params;
    }

    /** message:send's answer: a SendMessageResponse holding the task (or the agent's message). */
    String sendResult(JsonNode taskOrMessage) {
        return print(() -> ProtoUtils.ToProto.taskOrMessage(spec(taskOrMessage, EventKind.class)));
    }

    String task(JsonNode task) {
        return print(() -> ProtoUtils.ToProto.task(spec(task, Task.class)));
    }

    /** One item of a stream: a StreamResponse holding the task, a status update or an artifact update. */
    JsonNode streamItem(JsonNode item) {
        try {
            return mapper.readTree(print(() -> ProtoUtils.ToProto.streamResponse(spec(item, StreamingEventKind.class))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String pushConfig(JsonNode config) {
        return print(() -> ProtoUtils.ToProto.taskPushNotificationConfig(spec(config, TaskPushNotificationConfig.class)));
    }

    String pushConfigs(JsonNode configs) {
        List<TaskPushNotificationConfig> list = new ArrayList<>();
        configs.forEach(c -> list.add(spec(c, TaskPushNotificationConfig.class)));
        return print(() -> ProtoUtils.ToProto.listTaskPushNotificationConfigResponse(list));
    }

    private static void parse(byte[] body, Message.Builder builder, String what) {
        try {
            PARSER.merge(new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8), builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new JsonRpc.Failure(JsonRpc.PARSE_ERROR, "the body is not " + what + ": " + e.getMessage());
        }
    }

    /** A task (or event) as the SDK's type; one the binding cannot carry is said so, not a bare 500. */
    private static <T> T spec(JsonNode json, Class<T> type) {
        try {
            return Utils.OBJECT_MAPPER.treeToValue(json, type);
        } catch (IOException | RuntimeException | io.a2a.spec.JSONRPCError e) {
            throw new JsonRpc.Failure(JsonRpc.INTERNAL_ERROR, "this " + type.getSimpleName() + " holds content the "
                    + "HTTP+JSON binding cannot carry (" + e.getMessage() + "); read it over the JSON-RPC binding");
        }
    }

    private JsonNode tree(Object spec) {
        try {
            return mapper.readTree(Utils.OBJECT_MAPPER.writeValueAsBytes(spec));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String print(java.util.function.Supplier<com.google.protobuf.MessageOrBuilder> message) {
        try {
            return PRINTER.print(message.get());
        } catch (JsonRpc.Failure e) {
            throw e;
        } catch (InvalidProtocolBufferException | RuntimeException | io.a2a.spec.JSONRPCError e) {
            throw new JsonRpc.Failure(JsonRpc.INTERNAL_ERROR, "this answer holds content the HTTP+JSON binding cannot "
                    + "carry (" + e.getMessage() + "); read it over the JSON-RPC binding");
        }
    }
}
