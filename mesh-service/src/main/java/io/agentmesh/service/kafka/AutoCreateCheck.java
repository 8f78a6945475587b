package io.agentmesh.service.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Whether the brokers create a topic when a client asks for one that does not exist. The mesh
 * creates every topic it uses with its own settings; with auto-creation on, the routers' producers,
 * which keep asking for the inboxes they know, bring back an inbox the janitor deleted, with the
 * broker's defaults. Only warns: reading broker settings may be refused, and it never stops a node.
 */
public final class AutoCreateCheck {

    private static final Logger LOG = LoggerFactory.getLogger(AutoCreateCheck.class);
    static final String SETTING = "auto.create.topics.enable";

    private final Admin admin;
    private final long timeoutMs;

    public AutoCreateCheck(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /** The brokers' setting as one of them answers it, or empty when it cannot be read. */
    public Optional<Boolean> autoCreates() {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
            Optional<Node> any = nodes.stream().findFirst();
            if (any.isEmpty()) {
                return Optional.empty();
            }
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, any.get().idString());
            Config config = admin.describeConfigs(List.of(broker)).all().get(timeoutMs, TimeUnit.MILLISECONDS).get(broker);
            ConfigEntry entry = config == null ? null : config.get(SETTING);
            return entry == null || entry.value() == null ? Optional.empty() : Optional.of(Boolean.parseBoolean(entry.value()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            LOG.debug("could not read the brokers' {}", SETTING, e);
            return Optional.empty();
        }
    }

    /** Logs a warning when the brokers create topics on request. */
    public void warnIfOn() {
        if (autoCreates().orElse(false)) {
            LOG.warn("the Kafka brokers have {}=true: a deleted inbox can come back with the broker's defaults when a "
                    + "client asks for it; set it to false (the mesh creates every topic it uses)", SETTING);
        }
    }
}
