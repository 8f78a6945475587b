package io.agentmesh.embedded;

import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** A single ZooKeeper server in this JVM, bound to 127.0.0.1, for Curator in dev mode and tests. */
public final class EmbeddedZooKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

    private final Path dataDir;
    private final int port;
    private ZooKeeperServerEmbedded server;

    public EmbeddedZooKeeper(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    public synchronized EmbeddedZooKeeper start() throws Exception {
        Files.createDirectories(dataDir);
        Properties p = new Properties();
        p.put("clientPort", Integer.toString(port));
        p.put("clientPortAddress", "127.0.0.1");
        p.put("admin.enableServer", "false");
        p.put("tickTime", "500");
        p.put("initLimit", "10");
        p.put("syncLimit", "5");
        p.put("maxSessionTimeout", "60000");
        p.put("4lw.commands.whitelist", "ruok,stat,mntr");
        server = ZooKeeperServerEmbedded.builder()
                .baseDir(dataDir)
                .configuration(p)
                .exitHandler(ExitHandler.LOG_ONLY)
                .build();
        server.start(30_000);
        LOG.info("ZooKeeper listening on {} with data in {}", connectString(), dataDir);
        return this;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
