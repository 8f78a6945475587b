package io.agentmesh.service.kafkaaccess;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The shape of an agent's Kafka rights: principal {@code User:<prefix><id>} may READ and DESCRIBE
 * its inbox topic and READ (join, commit in) its consumer group {@code <id>}; nothing else.
 */
final class AgentAcls {

    private final String prefix;
    private final UnaryOperator<String> inboxOf;

    AgentAcls(String prefix, UnaryOperator<String> inboxOf) {
        this.prefix = prefix;
        this.inboxOf = inboxOf;
    }

    String username(String agentId) {
        return prefix + agentId;
    }

    String principal(String agentId) {
        return "User:" + username(agentId);
    }

    String topic(String agentId) {
        return inboxOf.apply(agentId);
    }

    /** The agent id a Kafka user name belongs to, when it is one of the mesh's agent users. */
    Optional<String> agentOfUser(String username) {
        return username.startsWith(prefix) && username.length() > prefix.length()
                ? Optional.of(username.substring(prefix.length())) : Optional.empty();
    }

    /** The agent id an ACL principal belongs to, when it is one of the mesh's agent principals. */
    Optional<String> agentOfPrincipal(String principal) {
        return principal.startsWith("User:") ? agentOfUser(principal.substring("User:".length())) : Optional.empty();
    }

    Set<AclBinding> of(String agentId) {
        String principal = principal(agentId);
        ResourcePattern topic = new ResourcePattern(ResourceType.TOPIC, topic(agentId), PatternType.LITERAL);
        ResourcePattern group = new ResourcePattern(ResourceType.GROUP, agentId, PatternType.LITERAL);
        return Set.of(
                new AclBinding(topic, allow(principal, AclOperation.READ)),
                new AclBinding(topic, allow(principal, AclOperation.DESCRIBE)),
                new AclBinding(group, allow(principal, AclOperation.READ)));
    }

    /**
     * What a tap's reader may do besides: READ and DESCRIBE the tap's topic, READ groups under the tap's
     * prefix, and keep topics of its own under that prefix (a Kafka Streams application's internal
     * topics and outputs).
     */
    Set<AclBinding> reads(String agentId, String topic, String prefix) {
        String principal = principal(agentId);
        ResourcePattern t = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
        ResourcePattern groups = new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED);
        ResourcePattern own = new ResourcePattern(ResourceType.TOPIC, prefix, PatternType.PREFIXED);
        return Set.of(
                new AclBinding(t, allow(principal, AclOperation.READ)),
                new AclBinding(t, allow(principal, AclOperation.DESCRIBE)),
                new AclBinding(groups, allow(principal, AclOperation.READ)),
                new AclBinding(own, allow(principal, AclOperation.CREATE)),
                new AclBinding(own, allow(principal, AclOperation.READ)),
                new AclBinding(own, allow(principal, AclOperation.WRITE)),
                new AclBinding(own, allow(principal, AclOperation.DESCRIBE)),
                new AclBinding(own, allow(principal, AclOperation.DESCRIBE_CONFIGS)),
                new AclBinding(own, allow(principal, AclOperation.DELETE)));
    }

    private static AccessControlEntry allow(String principal, AclOperation operation) {
        return new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW);
    }
}
