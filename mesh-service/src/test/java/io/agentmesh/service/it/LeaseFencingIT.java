package io.agentmesh.service.it;

import io.agentmesh.embedded.EmbeddedZooKeeper;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Connect session holds its agent's inbox lease in ZooKeeper. When this node's ZooKeeper session
 * is lost, another node may take the lease: the session must stop, not go on committing beside the
 * new owner. This class runs its own ZooKeeper, which it stops and starts again.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LeaseFencingIT {

    private static final int ZK_PORT = Ports.free();
    private static final Path ZK_DIR = TestInfra.get().dir().resolve("zk-fencing-" + UUID.randomUUID());
    private static EmbeddedZooKeeper zookeeper = start();

    static final MeshApp MESH = MeshApp.onSharedBroker(MeshApp.set("zookeeper.connect", "127.0.0.1:" + ZK_PORT),
            MeshApp.set("zookeeper.sessionTimeout", "4s"));
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    private static EmbeddedZooKeeper start() {
        return start(ZK_DIR);
    }

    private static EmbeddedZooKeeper start(Path dir) {
        try {
            return new EmbeddedZooKeeper(dir, ZK_PORT).start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static {
        // not before the node has stopped (an @AfterAll, or the extension's onStop, would run before it,
        // and the node would spend its shutdown retrying ZooKeeper)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> zookeeper.close()));
    }

    @Test
    void aConnectSessionEndsWhenItsLeaseIsLostAndItsUnackedMessagesComeAgain() throws Exception {
        String agent = "fenced-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"F\"}").status()).isEqualTo(201);
        for (int i = 0; i < 2; i++) {
            assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"id\":\"f-" + i
                    + "\",\"key\":\"k\",\"payload\":{}}").status()).isEqualTo(202);
        }
        try (GrpcClient grpc = new GrpcClient(MESH.grpcPort())) {
            GrpcClient.Connection first = grpc.connect(agent, 5);
            await().atMost(30, SECONDS).until(() -> first.received.size() == 2);

            zookeeper.close();
            // suspended at once, lost once the session timeout has passed: the stream is ended
            await().atMost(30, SECONDS).until(() -> first.error.get() != null || first.completed);
            assertThat(first.error.get()).isNotNull();
            assertThat(Status.fromThrowable(first.error.get()).getDescription()).contains("inbox lease lost");
            // an ack now has nowhere to go: nothing was committed under the lost lease
            first.ack(List.of(first.received.get(0).getDeliveryId()));

            zookeeper = start();
            GrpcClient.Connection again = grpc.connectOnceFree(agent, 5, java.time.Duration.ofSeconds(60));
            await().atMost(30, SECONDS).until(() -> again.received.size() == 2);
            assertThat(again.ids()).containsExactly("f-0", "f-1");
            assertThat(again.received.get(0).getAttempt()).isGreaterThan(1);
            again.cancel();
        }
    }

    @Test
    void aReaderThatOutlivesItsZooKeeperSessionStillKeepsConnectStreamsOut() throws Exception {
        String agent = "reader-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"R\"}").status()).isEqualTo(201);
        try (SseClient sse = new SseClient(MESH.url("/api/v1/agents/" + agent + "/stream"), null);
             GrpcClient grpc = new GrpcClient(MESH.grpcPort())) {
            assertThat(sse.status).isEqualTo(200);
            assertThat(connectAnswer(grpc, agent)).isEqualTo(Status.Code.FAILED_PRECONDITION);

            // ZooKeeper away past the session timeout (4 s): the node's session, and the reader's
            // ephemeral znode with it, are gone once the server expires the old session after it
            // comes back; the event stream itself goes on
            zookeeper.close();
            Thread.sleep(8000);
            zookeeper = start();
            Thread.sleep(12_000);

            // the reader's znode is there again: a Connect stream is still refused, not opened beside the events
            await().atMost(60, SECONDS).pollInterval(java.time.Duration.ofSeconds(1))
                    .until(() -> connectAnswer(grpc, agent) != Status.Code.UNAVAILABLE);
            assertThat(connectAnswer(grpc, agent)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        }
    }

    @Test
    void acknowledgementsStillCommitAfterZooKeepersDataIsWiped() throws Exception {
        String agent = "wiped-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + agent + "\",\"name\":\"W\"}").status()).isEqualTo(201);
        for (int i = 0; i < 2; i++) {
            assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"" + agent + "\",\"id\":\"w-" + i
                    + "\",\"key\":\"k\",\"payload\":{}}").status()).isEqualTo(202);
        }
        // many transactions on the first ZooKeeper, so its lease ids are larger than a fresh one's
        try (org.apache.curator.framework.CuratorFramework zk = org.apache.curator.framework.CuratorFrameworkFactory
                .newClient("127.0.0.1:" + ZK_PORT, new org.apache.curator.retry.RetryOneTime(500))) {
            zk.start();
            for (int i = 0; i < 300; i++) {
                zk.create().creatingParentsIfNeeded().withMode(org.apache.zookeeper.CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath("/wipe-test/n-");
            }
        }
        try (GrpcClient grpc = new GrpcClient(MESH.grpcPort())) {
            GrpcClient.Connection first = grpc.connectOnceFree(agent, 5, java.time.Duration.ofSeconds(60));
            await().atMost(30, SECONDS).until(() -> first.received.size() == 2);
            first.ack(List.of(first.received.get(0).getDeliveryId()));
            Thread.sleep(1000);
            first.cancel();

            // a new, empty ZooKeeper on the same address (its data wiped, or a new ensemble)
            zookeeper.close();
            zookeeper = start(TestInfra.get().dir().resolve("zk-wiped-" + UUID.randomUUID()));

            GrpcClient.Connection second = grpc.connectOnceFree(agent, 5, java.time.Duration.ofSeconds(90));
            await().atMost(30, SECONDS).until(() -> second.received.size() == 1);
            assertThat(second.ids()).containsExactly("w-1");
            second.ack(List.of(second.received.get(0).getDeliveryId()));
            Thread.sleep(1000);
            second.cancel();

            // that ack was committed under the new ZooKeeper's lease: nothing comes again
            GrpcClient.Connection third = grpc.connectOnceFree(agent, 5, java.time.Duration.ofSeconds(60));
            Thread.sleep(3000);
            assertThat(third.ids()).as("redelivered after the ack").isEmpty();
            third.cancel();
        }
    }

    /** How a Connect stream of the agent is answered: its error's code, or OK when it stays open 1.5 s (then it is ended). */
    private static Status.Code connectAnswer(GrpcClient grpc, String agent) throws InterruptedException {
        GrpcClient.Connection c = grpc.connect(agent, 1);
        long deadline = System.currentTimeMillis() + 1500;
        while (c.error.get() == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        if (c.error.get() == null) {
            c.cancel();
            return Status.Code.OK;
        }
        return Status.fromThrowable(c.error.get()).getCode();
    }
}
