package io.agentmesh.tools.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Takes its messages as webhook pushes: an HTTP server on loopback that processes each CloudEvents
 * request (its {@code ce-id}) and answers 204. The mesh does the retrying; this agent only listens.
 */
final class PushAgent extends PathAgent {

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "push-agent");
        t.setDaemon(true);
        return t;
    });

    PushAgent(Ledger ledger) throws IOException {
        super(DeliveryPath.PUSH, ledger, 1);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/hook", this::handle);
        server.setExecutor(handlers);
    }

    @Override
    String registration() {
        return "{\"id\":\"" + agentId() + "\",\"name\":\"" + agentId() + "\",\"delivery\":\"push\",\"endpoint\":"
                + "\"http://127.0.0.1:" + server.getAddress().getPort() + "/hook\"}";
    }

    @Override
    void start() {
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("ce-id");
            if (id == null) {
                trouble("a push without ce-id");
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            processed(id);
            exchange.sendResponseHeaders(204, -1);
        }
    }

    @Override
    void session(int node) {
        throw new UnsupportedOperationException("a push agent does not connect; the mesh does");
    }

    @Override
    String summary() {
        return super.summary().replace("0 connections", "listening on " + server.getAddress());
    }

    @Override
    void disconnect() {
        server.stop(0);
    }

    @Override
    public void close() throws InterruptedException {
        super.close();
        handlers.shutdownNow();
    }
}
