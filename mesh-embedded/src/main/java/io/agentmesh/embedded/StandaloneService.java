package io.agentmesh.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the dev-mode Kafka broker (KRaft) or ZooKeeper on its own, in this process, until it is
 * terminated: {@code kafka <dataDir> <brokerPort> <controllerPort>} or {@code zookeeper <dataDir>
 * <port>}. The benchmark and fault harnesses start these as child processes so a broker can be
 * killed, paused and restarted apart from the mesh.
 */
public final class StandaloneService {

    private StandaloneService() {
    }

    public static void main(String[] args) throws Exception {
        Quiet.logs();
        if (args.length == 4 && (args[0].equals("kafka") || args[0].equals("kafka-sasl"))) {
            // kafka-sasl: SASL and the authorizer on; the passwords come from the environment, never the command line
            EmbeddedKafka.Sasl sasl = args[0].equals("kafka") ? null : new EmbeddedKafka.Sasl(
                    System.getenv("MESH_KAFKA_BROKER_PASSWORD"), "mesh", System.getenv("MESH_KAFKA_PASSWORD"));
            // MESH_KAFKA_TLS_DIR (server.pem, server-key.pem, ca.pem): the SASL listener is SASL_SSL
            String tlsDir = System.getenv("MESH_KAFKA_TLS_DIR");
            EmbeddedKafka.Tls tls = sasl == null || tlsDir == null || tlsDir.isEmpty() ? null : new EmbeddedKafka.Tls(
                    Path.of(tlsDir, "server.pem"), Path.of(tlsDir, "server-key.pem"), Path.of(tlsDir, "ca.pem"));
            EmbeddedKafka kafka = new EmbeddedKafka(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    sasl, tls);
            runUntilTerminated(kafka.start());
        } else if (args.length == 3 && args[0].equals("zookeeper")) {
            runUntilTerminated(new EmbeddedZooKeeper(Path.of(args[1]), Integer.parseInt(args[2])).start());
        } else {
            System.err.println("usage: StandaloneService kafka|kafka-sasl <dataDir> <brokerPort> <controllerPort>"
                    + " | zookeeper <dataDir> <port>");
            System.exit(2);
        }
    }

    private static void runUntilTerminated(AutoCloseable service) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println("stopping: " + e);
            }
            stopped.countDown();
        }));
        System.out.println("ready");
        stopped.await();
    }
}
