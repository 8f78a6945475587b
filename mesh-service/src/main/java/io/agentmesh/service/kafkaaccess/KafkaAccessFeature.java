package io.agentmesh.service.kafkaaccess;

import io.agentmesh.service.config.KafkaAgentAccess;
import io.agentmesh.service.config.KafkaSettings;
import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.registry.AgentKafkaAccess;

import java.time.Duration;

/**
 * Kafka logins for agents that read their inbox topic directly (kafka.agentAccess): the grants the
 * registry hands out with API keys, and the leader's reconciliation of credentials and ACLs.
 */
public final class KafkaAccessFeature {

    private final AgentKafkaAccess grants;
    private final io.agentmesh.service.taps.TapAccess tapAccess;
    private final Runnable reconciler;
    private final Duration interval;

    /**
     * {@code routerGroup}: the router's consumer group, which no agent's login may be granted;
     * {@code tapReads}: the readers of live taps, whose logins may read those taps too.
     */
    public KafkaAccessFeature(Platform p, KafkaSettings kafka, String routerGroup,
                              java.util.function.Supplier<java.util.List<io.agentmesh.service.taps.TapRead>> tapReads) {
        KafkaAgentAccess settings = kafka.getAgentAccess();
        this.interval = Duration.ofMillis(settings.getReconcileInterval().toMilliseconds());
        if (!settings.isEnabled()) {
            this.grants = AgentKafkaAccess.NONE;
            this.tapAccess = io.agentmesh.service.taps.TapAccess.NONE;
            this.reconciler = () -> { };
            return;
        }
        KafkaLoginDao dao = new KafkaLoginDao(p.jdbi());
        LoginPasswords passwords = new LoginPasswords(settings.getPasswordSecret());
        AgentAcls acls = new AgentAcls(settings.getPrincipalPrefix(), p.topics()::inbox);
        KafkaAccessAdmin admin = new KafkaAccessAdmin(p.admin(), settings.getMechanism());
        this.grants = new KafkaGrants(dao, passwords, acls, admin,
                settings.getBootstrap().isEmpty() ? kafka.getBootstrapServers() : settings.getBootstrap(),
                settings.getSecurityProtocol().isEmpty() ? kafka.getSecurity().getProtocol() : settings.getSecurityProtocol(),
                settings.getMechanism(), java.util.Set.of(routerGroup));
        this.reconciler = new KafkaAccessReconciler(dao, passwords, acls, admin,
                p.env().metrics().counter("mesh.kafka.access.repairs"), java.util.Set.of(routerGroup), tapReads);
        this.tapAccess = new TapReadGrants(acls, admin);
    }

    /** What the registry calls when it issues or revokes an agent's key. */
    public AgentKafkaAccess grants() {
        return grants;
    }

    /** What the taps call when a tap gets, changes or loses its reader. */
    public io.agentmesh.service.taps.TapAccess tapAccess() {
        return tapAccess;
    }

    /** The leader's chore. */
    public Runnable reconciler() {
        return reconciler;
    }

    public Duration interval() {
        return interval;
    }
}
