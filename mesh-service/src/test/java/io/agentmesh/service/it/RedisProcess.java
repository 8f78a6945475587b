package io.agentmesh.service.it;

import io.lettuce.core.RedisClient;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A throwaway redis-server child process on a free loopback port, to stop and start inside a test. */
final class RedisProcess implements AutoCloseable {

    private final int port = Ports.free();
    private Process process;

    String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    RedisProcess start() throws Exception {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--enable-debug-command", "local").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            RedisClient c = RedisClient.create(uri());
            try (var conn = c.connect()) {
                return "PONG".equals(conn.sync().ping());
            } finally {
                c.shutdown();
            }
        });
        return this;
    }

    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
