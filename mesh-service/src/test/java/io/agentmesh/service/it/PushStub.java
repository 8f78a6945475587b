package io.agentmesh.service.it;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An agent's push endpoint for tests: records every POST (CloudEvents headers and body) and answers
 * with the status a script picks from the message id and how often that id came before.
 */
final class PushStub implements AutoCloseable {

    record Received(String id, Map<String, String> headers, String body, int status) {
    }

    private final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

    /** {@code script.apply(id + "#" + n)} gives the status for the n-th (1-based) POST of that id. */
    PushStub(Function<String, Integer> script) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/agent/inbox", exchange -> {
            String id = exchange.getRequestHeaders().getFirst("ce-id");
            Map<String, String> headers = new java.util.TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int n = seen.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();
            int status = script.apply(id + "#" + n);
            received.add(new Received(id, headers, body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/agent/inbox";
    }

    List<Received> of(String id) {
        return received.stream().filter(r -> id.equals(r.id())).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
