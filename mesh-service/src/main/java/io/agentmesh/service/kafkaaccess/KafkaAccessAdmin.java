package io.agentmesh.service.kafkaaccess;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.ResourceNotFoundException;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The Kafka side of agents' logins: SCRAM credentials and ACLs, through the mesh's admin client. */
final class KafkaAccessAdmin {

    private static final int ITERATIONS = 8192;
    private static final long TIMEOUT_MS = 10_000;

    private final Admin admin;
    private final ScramMechanism mechanism;

    KafkaAccessAdmin(Admin admin, String mechanism) {
        this.admin = admin;
        this.mechanism = ScramMechanism.fromMechanismName(mechanism);
    }

    void upsertLogin(String username, String password) throws Exception {
        await(admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(username,
                new ScramCredentialInfo(mechanism, ITERATIONS), password))).all());
    }

    /**
     * Waits (up to {@code timeoutMs}) until the broker serves the user's credential and ACLs: the
     * controller has them once the calls above return, the broker a moment later, and a login
     * handed out should work at once.
     */
    boolean awaitServed(String username, Collection<AclBinding> acls, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            boolean user;
            try {
                user = await(admin.describeUserScramCredentials(List.of(username)).all()).containsKey(username);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof ResourceNotFoundException)) {
                    throw e;
                }
                user = false;
            }
            boolean allAcls = true;
            for (AclBinding acl : acls) {
                allAcls &= !await(admin.describeAcls(acl.toFilter()).values()).isEmpty();
            }
            if (user && allAcls) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    /** Removes the user's credential; a user that has none is fine. */
    void deleteLogin(String username) throws Exception {
        try {
            await(admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion(username, mechanism))).all());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof ResourceNotFoundException)) {
                throw e;
            }
        }
    }

    /** Every user that has a SCRAM credential of the mechanism agents use. */
    Set<String> users() throws Exception {
        return await(admin.describeUserScramCredentials().all()).entrySet().stream()
                .filter(e -> e.getValue().credentialInfos().stream().anyMatch(i -> i.mechanism() == mechanism))
                .map(java.util.Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toSet());
    }

    Collection<AclBinding> acls() throws Exception {
        return await(admin.describeAcls(AclBindingFilter.ANY).values());
    }

    void createAcls(Collection<AclBinding> acls) throws Exception {
        if (!acls.isEmpty()) {
            await(admin.createAcls(acls).all());
        }
    }

    void deleteAcls(Collection<AclBinding> acls) throws Exception {
        if (!acls.isEmpty()) {
            await(admin.deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all());
        }
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future)
            throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
}
