package io.agentmesh.service.kafkaaccess;

import com.codahale.metrics.Counter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclPermissionType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The leader's repair of agents' Kafka logins from PostgreSQL: a missing credential or ACL is
 * restored, an extra ACL on an agent's principal (granted behind the mesh's back) or a login of an
 * agent that no longer has one is removed. Kafka is read before PostgreSQL, so a login granted
 * meanwhile is never taken for a stray one. Every repair is counted ({@code mesh.kafka.access.repairs}).
 */
final class KafkaAccessReconciler implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAccessReconciler.class);

    private final KafkaLoginDao dao;
    private final LoginPasswords passwords;
    private final AgentAcls acls;
    private final KafkaAccessAdmin kafka;
    private final Counter repairs;
    private final Set<String> reservedGroups;

    private final java.util.function.Supplier<List<io.agentmesh.service.taps.TapRead>> tapReads;

    /** {@code tapReads}: the readers of live taps, whose logins may read those taps too. */
    KafkaAccessReconciler(KafkaLoginDao dao, LoginPasswords passwords, AgentAcls acls, KafkaAccessAdmin kafka,
                          Counter repairs, Set<String> reservedGroups,
                          java.util.function.Supplier<List<io.agentmesh.service.taps.TapRead>> tapReads) {
        this.tapReads = tapReads;
        this.reservedGroups = reservedGroups;
        this.dao = dao;
        this.passwords = passwords;
        this.acls = acls;
        this.kafka = kafka;
        this.repairs = repairs;
    }

    @Override
    public void run() {
        try {
            int repaired = reconcile();
            if (repaired > 0) {
                repairs.inc(repaired);
                LOG.warn("agents' Kafka logins: {} repair(s) made (credentials or ACLs that differed from the registry)",
                        repaired);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("agents' Kafka logins not reconciled this time: {}", e.toString());
        }
    }

    /** Brings Kafka to the registry's state; how many changes that took. */
    int reconcile() throws Exception {
        Set<String> users = new HashSet<>();
        for (String user : kafka.users()) {
            acls.agentOfUser(user).ifPresent(users::add);
        }
        // ALLOW entries on agents' principals are the mesh's to manage; a DENY an operator added stays
        Map<String, Set<AclBinding>> granted = new java.util.HashMap<>();
        for (AclBinding b : kafka.acls()) {
            if (b.entry().permissionType() == AclPermissionType.ALLOW) {
                acls.agentOfPrincipal(b.entry().principal())
                        .ifPresent(id -> granted.computeIfAbsent(id, k -> new HashSet<>()).add(b));
            }
        }
        Map<String, KafkaLoginDao.Wanted> wanted = new java.util.HashMap<>(dao.wanted());
        wanted.keySet().removeIf(id -> {
            if (reservedGroups.contains(id)) {
                LOG.warn("agent {}: its Kafka login is not restored: its group is the mesh's own consumer group", id);
                return true;
            }
            return false;
        });

        Map<String, Set<AclBinding>> reads = new java.util.HashMap<>();
        for (io.agentmesh.service.taps.TapRead r : tapReads.get()) {
            reads.computeIfAbsent(r.reader(), k -> new HashSet<>()).addAll(acls.reads(r.reader(), r.topic(), r.groupPrefix()));
        }
        int changes = 0;
        List<AclBinding> missing = new ArrayList<>();
        List<AclBinding> extra = new ArrayList<>();
        for (Map.Entry<String, KafkaLoginDao.Wanted> w : wanted.entrySet()) {
            String id = w.getKey();
            if (!users.contains(id) || !w.getValue().applied()) {
                // missing, or a rotation that did not reach Kafka: the generation PostgreSQL holds wins
                kafka.upsertLogin(acls.username(id), passwords.of(id, w.getValue().generation()));
                dao.applied(id, w.getValue().generation());
                changes++;
            }
            Set<AclBinding> should = new HashSet<>(acls.of(id));
            should.addAll(reads.getOrDefault(id, Set.of()));
            Collection<AclBinding> has = granted.getOrDefault(id, Set.of());
            should.stream().filter(b -> !has.contains(b)).forEach(missing::add);
            has.stream().filter(b -> !should.contains(b)).forEach(extra::add);
        }
        for (String id : users) {
            if (!wanted.containsKey(id)) {
                kafka.deleteLogin(acls.username(id));
                changes++;
            }
        }
        granted.forEach((id, has) -> {
            if (!wanted.containsKey(id)) {
                extra.addAll(has);
            }
        });
        kafka.createAcls(missing);
        kafka.deleteAcls(extra);
        return changes + missing.size() + extra.size();
    }
}
