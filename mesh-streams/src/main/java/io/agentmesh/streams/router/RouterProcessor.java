package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.envelope.Envelope;
import io.agentmesh.streams.envelope.EnvelopeReader;
import io.agentmesh.streams.envelope.InvalidEnvelopeException;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.envelope.Target;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryTable;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Routes one ingress record: validate the envelope, drop duplicates, resolve the target against
 * the registry, then forward to the target's inbox or to the dead-letter topic. Never throws for a
 * bad record, so one poison record cannot stop the topology.
 */
final class RouterProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.routing");

    private final RouterPolicy policy;
    private final RoutingListener listener;
    private ProcessorContext<byte[], byte[]> context;
    private DedupeStore dedupe;
    private KeyValueStore<String, RegistryEntry> registry;

    RouterProcessor(RouterPolicy policy, RoutingListener listener) {
        this.policy = policy;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.dedupe = new DedupeStore(context.getStateStore(DedupeStore.NAME), policy.dedupeWindow());
        this.registry = context.getStateStore(RegistryTable.STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Envelope envelope;
        try {
            envelope = EnvelopeReader.read(record.headers(), record.value());
        } catch (InvalidEnvelopeException e) {
            deadLetter(record, null, DeadLetterReason.INVALID_ENVELOPE, e.getMessage());
            return;
        }
        if (envelope.payloadBytes() > policy.maxPayloadBytes()) {
            deadLetter(record, envelope.id(), DeadLetterReason.PAYLOAD_TOO_LARGE,
                    envelope.payloadBytes() + " bytes > limit " + policy.maxPayloadBytes());
            return;
        }
        if (dedupe.seen(envelope.id(), record.timestamp())) {
            LOG.debug("duplicate message {} dropped", envelope.id());
            listener.onDuplicate(envelope.id());
            return;
        }
        Target target = envelope.target();
        if (target.kind() != Target.Kind.AGENT) {
            deadLetter(record, envelope.id(), DeadLetterReason.UNKNOWN_TARGET,
                    "routing to " + target.kind().name().toLowerCase() + " targets is not supported by this router");
            return;
        }
        RegistryEntry agent = registry.get(target.value());
        if (agent == null || !agent.routable()) {
            deadLetter(record, envelope.id(), DeadLetterReason.UNKNOWN_TARGET,
                    agent == null ? "no agent '" + target.value() + "' in the registry"
                            : "agent '" + target.value() + "' is " + agent.status());
            return;
        }
        routeTo(record, envelope, agent.id());
    }

    private void routeTo(Record<byte[], byte[]> record, Envelope envelope, String agentId) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.remove(MeshHeaders.TARGET);
        headers.add(MeshHeaders.TARGET, agentId.getBytes(StandardCharsets.UTF_8));
        context.forward(record.withHeaders(headers), RouterTopology.INBOX_SINK);
        dedupe.remember(envelope.id(), record.timestamp());
        listener.onRouted(envelope.id(), agentId, record.timestamp());
        LOG.debug("message {} routed to {}", envelope.id(), agentId);
    }

    private void deadLetter(Record<byte[], byte[]> record, String messageId, DeadLetterReason reason, String error) {
        long now = context.currentSystemTimeMs();
        var headers = DeadLetters.headers(record.headers(), reason, error, 1, origin(), now);
        context.forward(record.withHeaders(headers), RouterTopology.DLQ_SINK);
        listener.onDeadLetter(messageId, reason);
        LOG.info("message {} dead-lettered: {} ({})", messageId, reason, error);
    }

    private String origin() {
        return context.recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("unknown");
    }
}
