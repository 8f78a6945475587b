package io.agentmesh.tools.faults;

import io.agentmesh.tools.harness.InboxWatcher;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Reads the targets' inbox topics from the beginning, read_committed (what an agent reading its
 * inbox straight from Kafka sees), and writes every record to the ledger.
 */
public final class Verifier implements AutoCloseable {

    private final InboxWatcher watcher;

    public Verifier(String bootstrapServers, String inboxPrefix, Collection<String> inboxTopics, Ledger ledger) {
        watcher = new InboxWatcher(bootstrapServers, inboxTopics, true, (record, nanos) -> {
            Header h = record.headers().lastHeader("ce_id");
            String id = h == null ? "(no ce_id at " + record.topic() + "/" + record.offset() + ")"
                    : new String(h.value(), StandardCharsets.UTF_8);
            ledger.received(Receipt.of(id, record.topic().substring(inboxPrefix.length())));
        });
    }

    public Throwable failure() {
        return watcher.failure();
    }

    @Override
    public void close() throws InterruptedException {
        watcher.close();
    }
}
