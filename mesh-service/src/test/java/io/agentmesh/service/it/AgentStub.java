package io.agentmesh.service.it;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small HTTP agent for health-check tests: {@code GET /agent/health} answers 200 (HEALTHY), 500
 * (FAILING), every other time (ALTERNATING), or too late (SLOW).
 */
final class AgentStub implements AutoCloseable {

    enum Mode { HEALTHY, FAILING, ALTERNATING, SLOW }

    private final HttpServer server;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.HEALTHY);
    private final AtomicInteger requests = new AtomicInteger();

    AgentStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/agent/health", exchange -> {
            int n = requests.incrementAndGet();
            int status = switch (mode.get()) {
                case HEALTHY -> 200;
                case FAILING -> 500;
                case ALTERNATING -> n % 2 == 0 ? 200 : 503;
                case SLOW -> {
                    sleep(2_000);
                    yield 200;
                }
            };
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/agent";
    }

    void set(Mode m) {
        mode.set(m);
    }

    int requests() {
        return requests.get();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
