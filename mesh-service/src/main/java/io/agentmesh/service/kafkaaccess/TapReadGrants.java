package io.agentmesh.service.kafkaaccess;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.taps.TapAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tap's reader's Kafka rights, given and taken with the tap. The taps in PostgreSQL are what the
 * leader's reconciliation keeps (it restores a grant Kafka lost and removes one of a tap that is gone).
 */
final class TapReadGrants implements TapAccess {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.taps");

    private final AgentAcls acls;
    private final KafkaAccessAdmin kafka;

    TapReadGrants(AgentAcls acls, KafkaAccessAdmin kafka) {
        this.acls = acls;
        this.kafka = kafka;
    }

    @Override
    public void grant(String reader, String topic, String groupPrefix) {
        try {
            kafka.createAcls(acls.reads(reader, topic, groupPrefix));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException(ErrorCode.KAFKA_UNAVAILABLE, "interrupted while granting " + reader + " the tap " + topic);
        } catch (Exception e) {
            // the tap is stored: the leader's reconciliation grants it within kafka.agentAccess.reconcileInterval
            LOG.warn("tap reader {}: rights on {} not granted now, the reconciliation will: {}", reader, topic, e.toString());
        }
    }

    @Override
    public void revoke(String reader, String topic, String groupPrefix) {
        try {
            kafka.deleteAcls(acls.reads(reader, topic, groupPrefix));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("tap reader {}: rights on {} not revoked now, the reconciliation will: {}", reader, topic, e.toString());
        }
    }
}
