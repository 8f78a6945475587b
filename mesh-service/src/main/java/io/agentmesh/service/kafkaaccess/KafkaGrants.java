package io.agentmesh.service.kafkaaccess;

import io.agentmesh.service.registry.AgentKafkaAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Gives an agent its Kafka login with its API key and takes it away with its registration. The
 * wanted state is written to PostgreSQL first; Kafka is then told at once, and when it cannot be
 * (broker unreachable) the leader's reconciliation applies it within kafka.agentAccess.reconcileInterval.
 */
final class KafkaGrants implements AgentKafkaAccess {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    private static final long SERVED_WITHIN_MS = 5_000;

    private final KafkaLoginDao dao;
    private final LoginPasswords passwords;
    private final AgentAcls acls;
    private final KafkaAccessAdmin kafka;
    private final String bootstrap;
    private final String securityProtocol;
    private final String mechanism;
    private final java.util.Set<String> reservedGroups;

    /** {@code reservedGroups}: the mesh's own consumer groups; no agent is ever granted one of them. */
    KafkaGrants(KafkaLoginDao dao, LoginPasswords passwords, AgentAcls acls, KafkaAccessAdmin kafka, String bootstrap,
                String securityProtocol, String mechanism, java.util.Set<String> reservedGroups) {
        this.reservedGroups = reservedGroups;
        this.dao = dao;
        this.passwords = passwords;
        this.acls = acls;
        this.kafka = kafka;
        this.bootstrap = bootstrap;
        this.securityProtocol = securityProtocol;
        this.mechanism = mechanism;
    }

    @Override
    public Optional<Login> grant(String agentId) {
        if (reservedGroups.contains(agentId)) {
            LOG.warn("agent {}: no Kafka login: its group would be the mesh's own consumer group", agentId);
            return Optional.empty();
        }
        int generation = dao.nextGeneration(agentId);
        String username = acls.username(agentId);
        String password = passwords.of(agentId, generation);
        try {
            kafka.upsertLogin(username, password);
            kafka.createAcls(acls.of(agentId));
            dao.applied(agentId, generation);
            if (!kafka.awaitServed(username, acls.of(agentId), SERVED_WITHIN_MS)) {
                LOG.warn("agent {}: the broker does not serve its Kafka login yet after {} ms", agentId, SERVED_WITHIN_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("agent {}: Kafka login not applied yet ({}); the leader's reconciliation will apply it",
                    agentId, e.getMessage());
        }
        return Optional.of(new Login(bootstrap, securityProtocol, mechanism, username, password, acls.topic(agentId),
                agentId));
    }

    @Override
    public void revoke(String agentId) {
        dao.revoke(agentId);
        try {
            kafka.deleteLogin(acls.username(agentId));
            kafka.deleteAcls(acls.of(agentId));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("agent {}: Kafka login not removed yet ({}); the leader's reconciliation will remove it",
                    agentId, e.getMessage());
        }
    }
}
