package io.agentmesh.service.it;

import io.agentmesh.service.delivery.InboxLeases;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes' inbox leases on the real ZooKeeper. A reader (SSE, Subscribe) whose znode vanished
 * (its node's ZooKeeper session expired while the stream went on) is registered again, and when a
 * Connect session took the agent's inbox on another node meanwhile, the reader is told to end.
 */
class ReaderConflictIT {

    @Test
    void aReaderRegisteredAgainAfterAConnectSessionTookTheInboxEnds() throws Exception {
        String base = "/reader-it-" + UUID.randomUUID().toString().substring(0, 8);
        String agent = "agent-" + UUID.randomUUID().toString().substring(0, 8);
        try (CuratorFramework a = client(); CuratorFramework b = client()) {
            InboxLeases nodeA = new InboxLeases(a, base, "node-a", Duration.ofSeconds(2));
            AtomicInteger ended = new AtomicInteger();
            try (AutoCloseable reader = nodeA.read(agent, ended::incrementAndGet)) {
                String dir = base + "/inbox-readers/" + agent;
                assertThat(b.getChildren().forPath(dir)).hasSize(1);

                // as if node A's session expired while node B's Connect session took the inbox: B's lease
                // znode is there (written as B writes it), A's reader znode is gone
                b.create().creatingParentsIfNeeded().withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
                        .forPath(base + "/inbox-leases/" + agent, "node-b\nSTREAM\nb-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertThat(nodeA.streamedBy(agent)).isEqualTo("node-b");
                assertThat(ended).hasValue(0);
                b.delete().forPath(dir + "/" + b.getChildren().forPath(dir).get(0));

                // node A registers its reader again, finds B's Connect session and ends the reader
                await().atMost(30, SECONDS).until(() -> ended.get() > 0);
                assertThat(b.getChildren().forPath(dir)).as("the reader's znode, created again").hasSize(1);
            }
        }
    }

    private static CuratorFramework client() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(TestInfra.get().zookeeper(), new RetryOneTime(200));
        c.start();
        c.blockUntilConnected(30, SECONDS);
        return c;
    }
}
