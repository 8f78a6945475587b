package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.a2a.spec.Artifact;
import io.a2a.spec.GetTaskRequest;
import io.a2a.spec.GetTaskResponse;
import io.a2a.spec.JSONRPCErrorResponse;
import io.a2a.spec.Message;
import io.a2a.spec.Part;
import io.a2a.spec.SendMessageRequest;
import io.a2a.spec.SendMessageResponse;
import io.a2a.spec.Task;
import io.a2a.spec.TaskNotFoundError;
import io.a2a.spec.TaskState;
import io.a2a.spec.TaskStatus;
import io.a2a.spec.TextPart;
import io.a2a.util.Utils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * A minimal A2A server for tests, outside the mesh: serves its agent card at
 * {@code /.well-known/agent-card.json} and the JSON-RPC binding at {@code /rpc}. Calls are read
 * with the A2A Java SDK's own spec types (so a call the SDK's model refuses fails the test) and
 * answered with them: {@code message/send} completes a task whose artifact echoes the message's
 * text and data; {@code tasks/get} answers a task it made, or TaskNotFound.
 */
final class A2aServerStub implements AutoCloseable {

    private final HttpServer server;
    /** Every call as the SDK read it, in arrival order (retries included). */
    final List<SendMessageRequest> sends = new CopyOnWriteArrayList<>();
    final List<JsonNode> calls = new CopyOnWriteArrayList<>();
    final AtomicReference<String> skill = new AtomicReference<>("echo");
    /** The JSON-RPC URL the card names (its own /rpc unless set). */
    final AtomicReference<String> rpcUrl = new AtomicReference<>();
    /** Answer this many coming calls with HTTP 500 before answering again. */
    final AtomicInteger failNext = new AtomicInteger();
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();

    A2aServerStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/.well-known/agent-card.json", exchange -> answer(exchange, 200, card()));
        server.createContext("/rpc", this::rpc);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private String card() {
        return "{\"name\":\"Echo\",\"description\":\"Echoes what it is sent\",\"version\":\"1.0.0\",\"url\":\""
                + (rpcUrl.get() != null ? rpcUrl.get() : base() + "/rpc")
                + "\",\"preferredTransport\":\"JSONRPC\",\"protocolVersion\":\"0.3.0\",\"capabilities\":{},"
                + "\"defaultInputModes\":[\"text\"],\"defaultOutputModes\":[\"text\"],\"skills\":[{\"id\":\"" + skill.get()
                + "\",\"name\":\"" + skill.get() + "\",\"description\":\"it " + skill.get() + "es\",\"tags\":[\"" + skill.get()
                + "\"]}]}";
    }

    private void rpc(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        JsonNode call = Utils.OBJECT_MAPPER.readTree(body);
        calls.add(call);
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            answer(exchange, 500, "{}");
            return;
        }
        switch (call.path("method").asText()) {
            case SendMessageRequest.METHOD -> {
                SendMessageRequest send = Utils.OBJECT_MAPPER.readValue(body, SendMessageRequest.class);
                sends.add(send);
                Message m = send.getParams().message();
                Task task = new Task.Builder().id("task-" + m.getMessageId()).contextId("ctx-" + m.getMessageId())
                        .status(new TaskStatus(TaskState.COMPLETED))
                        .artifacts(List.of(new Artifact("echo", "echo", null,
                                List.of(new TextPart("echo: " + describe(m.getParts()))), null, null)))
                        .history(List.of(m)).build();
                tasks.put(task.getId(), task);
                answer(exchange, 200, Utils.OBJECT_MAPPER.writeValueAsString(new SendMessageResponse(send.getId(), task)));
            }
            case GetTaskRequest.METHOD -> {
                GetTaskRequest get = Utils.OBJECT_MAPPER.readValue(body, GetTaskRequest.class);
                Task task = tasks.get(get.getParams().id());
                answer(exchange, 200, Utils.OBJECT_MAPPER.writeValueAsString(task == null
                        ? new JSONRPCErrorResponse(get.getId(), new TaskNotFoundError())
                        : new GetTaskResponse(get.getId(), task)));
            }
            default -> answer(exchange, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + call.path("id") + ",\"error\":{\"code\":-32601,"
                    + "\"message\":\"Method not found\"}}");
        }
    }

    /** The text of text parts and the JSON of data parts, joined. */
    private static String describe(List<Part<?>> parts) {
        return parts.stream().map(p -> p instanceof TextPart t ? t.getText()
                : p instanceof io.a2a.spec.DataPart d ? Utils.toJsonString(d.getData()) : p.getKind().toString())
                .collect(Collectors.joining(" "));
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
