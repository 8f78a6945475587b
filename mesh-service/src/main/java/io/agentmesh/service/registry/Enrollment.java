package io.agentmesh.service.registry;

import io.agentmesh.service.auth.Callers;
import io.agentmesh.service.auth.Credentials;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.auth.Role;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.limits.RateLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Registration with identity: who may register, change and deregister which agent, and the
 * agent's API key (issued when it has none, shown once; rotated on request; revoked when the agent
 * is deregistered). REST and gRPC both come through here.
 */
public final class Enrollment {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    /** A registration's answer: the agent, whether it is new, and its key when one was issued. */
    public record Registered(AgentView agent, boolean created, String apiKey, AgentKafkaAccess.Login kafka) {
    }

    private final AgentRegistry registry;
    private final Credentials credentials;
    private final boolean issueKeys;
    private final RateLimits limits;
    private final AgentKafkaAccess kafka;

    /** {@code issueKeys}: hand agents keys at registration (authentication is on); {@code kafka}: their Kafka logins. */
    public Enrollment(AgentRegistry registry, Credentials credentials, boolean issueKeys, RateLimits limits,
                      AgentKafkaAccess kafka) {
        this.limits = limits;
        this.kafka = kafka;
        this.registry = registry;
        this.credentials = credentials;
        this.issueKeys = issueKeys;
    }

    public Registered register(MeshPrincipal caller, RegisterCommand command) {
        return answer(caller, registry.register(check(caller, command)));
    }

    /**
     * What {@link #register} checks before anything is written (the caller's rate limit and rights,
     * the registration itself); {@link #registerAll} then stores several at once.
     */
    AgentRegistry.Checked check(MeshPrincipal caller, RegisterCommand command) {
        limits.acquireRegistration(caller);
        if (caller.isAgent() && command.id() != null && !command.id().isEmpty() && !command.id().equals(caller.name())) {
            throw Callers.forbidden(caller, "register agent '" + command.id() + "' (an agent registers only itself)");
        }
        RegisterCommand c = caller.isAgent() ? agentsOwn(caller, command.id() == null || command.id().isEmpty()
                ? command.withId(caller.name()) : command) : command;
        return registry.check(c, Ownership.of(caller, c.owner()));
    }

    /** A registration of several: its answer, or why it was refused. */
    record Answer(Registered registered, RuntimeException refused) {
    }

    /** Stores checked registrations of one caller together; one answer each, in order. */
    List<Answer> registerAll(MeshPrincipal caller, List<AgentRegistry.Checked> checked) {
        List<Answer> answers = new java.util.ArrayList<>(checked.size());
        for (AgentRegistry.Outcome o : registry.registerAll(checked)) {
            if (o.refused() != null) {
                answers.add(new Answer(null, o.refused()));
                continue;
            }
            try {
                answers.add(new Answer(answer(caller, o.registration()), null));
            } catch (RuntimeException e) {
                answers.add(new Answer(null, e));
            }
        }
        return answers;
    }

    /** The answer to a stored registration: with the agent's API key (and Kafka login) when it gets one now. */
    private Registered answer(MeshPrincipal caller, AgentRegistry.Registration r) {
        String key = null;
        AgentKafkaAccess.Login login = null;
        if (issueKeys && !caller.isAgent() && !credentials.agentHasKey(r.agent().id())) {
            key = credentials.issueAgentKey(r.agent().id(), caller.label());
            login = kafkaLogin(r.agent().id());
        }
        return new Registered(r.agent(), r.created(), key, login);
    }

    public AgentView update(MeshPrincipal caller, String id, RegisterCommand changes) {
        requireManages(caller, id);
        RegisterCommand c = caller.isAgent() ? agentsOwn(caller, changes.withId(id)) : changes;
        return registry.update(id, c, Ownership.of(caller, c.owner()));
    }

    /**
     * What an agent may write about itself: its description, endpoint and capabilities, in the
     * namespace it has (it cannot move itself past its namespace's send policy and limits). Its
     * first registration is its owner's or an operator's, unless the identity provider names its
     * namespace (a JWT with auth.jwt.namespaceClaim).
     */
    private RegisterCommand agentsOwn(MeshPrincipal caller, RegisterCommand c) {
        java.util.Optional<AgentRecord> stored = registry.find(c.id()).filter(r -> !"deregistered".equals(r.status()));
        String namespace = stored.map(AgentRecord::namespace).orElse(caller.namespace());
        if (namespace == null) {
            throw Callers.forbidden(caller, "make its own first registration (its owner or an operator registers it; "
                    + "or the identity provider names its namespace: auth.jwt.namespaceClaim)");
        }
        if (c.namespace() != null && !c.namespace().isEmpty() && !c.namespace().equals(namespace)) {
            throw Callers.forbidden(caller, "move itself to namespace '" + c.namespace() + "' (it is in '" + namespace
                    + "'; its owner or an operator may move it)");
        }
        return c.withNamespace(namespace);
    }

    /** Deregisters the agent and revokes its keys (and, on every node, closes its open streams). {@code queryOwner} counts only in open mode. */
    public AgentView deregister(MeshPrincipal caller, String id, String queryOwner) {
        AgentView gone;
        if (caller.isOpen()) {
            gone = registry.deregister(id, queryOwner);
        } else {
            requireManages(caller, id);
            gone = registry.deregister(id, new Ownership(null, true, null));
        }
        int revoked = credentials.revokeAgent(id);
        try {
            kafka.revoke(id);
        } catch (RuntimeException e) {
            LOG.error("agent {}: its Kafka login is not revoked yet ({}); the leader's reconciliation removes it", id,
                    e.toString());
        }
        if (revoked > 0) {
            LOG.info("agent {}: {} key(s) revoked with its deregistration", id, revoked);
        }
        return gone;
    }

    /** A new key for the agent; the old one stops working on every node at once. */
    public Map<String, Object> rotate(MeshPrincipal caller, String id) {
        requireManages(caller, id);
        AgentView agent = registry.get(id);
        if ("deregistered".equals(agent.status())) {
            throw new MeshException(ErrorCode.CONFLICT, "agent '" + id + "' is deregistered: register it again to get a key",
                    Map.of("id", id));
        }
        String key = credentials.issueAgentKey(id, caller.label());
        LOG.info("agent {}: key rotated by {}", id, caller.label());
        Map<String, Object> answer = new java.util.LinkedHashMap<>(Map.of("id", id, "api_key", key,
                "note", "the key is shown only now; the previous key no longer works"));
        AgentKafkaAccess.Login login = kafkaLogin(id);
        if (login != null) {
            answer.put("kafka", login);
        }
        return answer;
    }

    /**
     * The agent's new Kafka login, or null. The API key is issued already: a failure here must not
     * lose it, so it is logged and the agent gets its login by rotating its key later.
     */
    private AgentKafkaAccess.Login kafkaLogin(String id) {
        try {
            return kafka.grant(id).orElse(null);
        } catch (RuntimeException e) {
            LOG.error("agent {}: no Kafka login this time ({}); rotating its key makes one", id, e.toString());
            return null;
        }
    }

    /** An owner credential manages only the agents it owns; the agent itself and operators pass. */
    private void requireManages(MeshPrincipal caller, String id) {
        if (caller.isOpen() || caller.has(Role.OPERATOR) || (caller.isAgent() && caller.name().equals(id))) {
            return;
        }
        if (caller.isAgent() || !registry.ownerOf(id).map(caller.name()::equals).orElse(false)) {
            throw Callers.forbidden(caller, "manage agent '" + id + "' (it is not theirs)");
        }
    }
}
