package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

import java.nio.charset.StandardCharsets;

/** Sends a routed record to the inbox of the agent named in its {@code ce_meshtarget} header. */
final class InboxTopicExtractor implements TopicNameExtractor<byte[], byte[]> {

    private final MeshTopics topics;

    InboxTopicExtractor(MeshTopics topics) {
        this.topics = topics;
    }

    @Override
    public String extract(byte[] key, byte[] value, RecordContext context) {
        Header target = context.headers().lastHeader(MeshHeaders.TARGET);
        if (target == null) {
            throw new IllegalStateException("routed record without " + MeshHeaders.TARGET + " header");
        }
        return topics.inbox(new String(target.value(), StandardCharsets.UTF_8));
    }
}
