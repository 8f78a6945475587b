package io.agentmesh.service.auth;

import io.agentmesh.service.config.AuthSettings;
import io.agentmesh.service.platform.Platform;
import io.dropwizard.lifecycle.Managed;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Identity and authorization: who calls (agent keys, JWTs, operator tokens), what each may call
 * (the {@link Allow} of every REST method, the gRPC rule table), and the audit. With
 * {@code auth.enabled: false} every caller may do everything, which a node allows only on
 * loopback binds unless told otherwise.
 */
public final class AuthFeature {

    private static final Logger LOG = LoggerFactory.getLogger(AuthFeature.class);

    private final Credentials credentials;
    private final Authenticator authenticator;
    private final AuditLog audit;
    private final AuthMetrics metrics;
    private final RevocationSignal revocations;

    /**
     * {@code deregistered}: whether an agent was deregistered (its JWTs and certificates are refused);
     * {@code registered}: whether it is registered and not deregistered (a client certificate speaks only for such).
     */
    public AuthFeature(Platform p, AuthSettings settings, List<String> bindHosts,
                       java.util.function.Predicate<String> deregistered,
                       java.util.function.Predicate<String> registered) {
        requireSafeMode(settings, bindHosts);
        CredentialDao dao = new CredentialDao(p.jdbi());
        this.credentials = new Credentials(dao, settings.credentialCache());
        this.revocations = new RevocationSignal(p.curator(), p.zookeeperBase(), credentials::forgetCached);
        credentials.announceRevocationsWith(revocations);
        p.env().lifecycle().manage(revocations);
        this.authenticator = new Authenticator(settings.isEnabled(), credentials,
                settings.getJwt().enabled() ? new JwtVerifier(settings.getJwt()) : null, deregistered, registered);
        this.audit = new AuditLog(new AuditDao(p.jdbi()), p.clock());
        p.env().lifecycle().manage(audit);
        this.metrics = new AuthMetrics(p.env().metrics());

        p.env().jersey().register(new AccessFeature(authenticator, audit, metrics));
        p.env().servlets().addFilter("metrics-access", new ServletAccessFilter(Access.VIEWER, authenticator, audit,
                metrics, p.mapper())).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/metrics");
        p.api(new CredentialsResource(credentials));
        p.api(new AuditResource(audit));
        p.always(new WhoAmIResource(settings.isEnabled()));
        p.env().lifecycle().manage(new Managed() {
            @Override
            public void start() {
                requireRulesOnEveryResource(p);
            }
        });
        if (settings.isEnabled()) {
            BootstrapAdmin.ensure(dao, settings.getBootstrapToken(), settings.getBootstrapTokenFile());
            BootstrapAdmin.ensureMetricsViewer(dao, settings.getMetricsToken());
        } else {
            LOG.warn("authentication is OFF (auth.enabled: false): anyone who reaches this node may do anything");
        }
    }

    /** Who ends a revoked agent's open streams on this node (delivery). */
    public void onAgentRevoked(java.util.function.Consumer<String> endStreams) {
        revocations.onAgentRevoked(endStreams);
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public Credentials credentials() {
        return credentials;
    }

    public AuditLog audit() {
        return audit;
    }

    public AuthMetrics metrics() {
        return metrics;
    }

    /** Open mode on a non-loopback bind needs an explicit yes: anyone who reaches the port would own the mesh. */
    static void requireSafeMode(AuthSettings settings, List<String> bindHosts) {
        if (settings.isEnabled() || settings.isAllowOpenOnNonLoopback()) {
            return;
        }
        List<String> exposed = new ArrayList<>();
        for (String host : bindHosts) {
            if (!loopback(host)) {
                exposed.add(host);
            }
        }
        if (!exposed.isEmpty()) {
            throw new IllegalStateException("auth.enabled is false but the mesh listens on " + exposed
                    + ", not only on loopback: anyone who reaches it could read every inbox and send as any agent. "
                    + "Turn authentication on (auth.enabled: true, MESH_AUTH_ENABLED=true), bind to 127.0.0.1, "
                    + "or set auth.allowOpenOnNonLoopback: true to accept that");
        }
    }

    private static boolean loopback(String host) {
        if (host == null || host.isBlank()) {
            return false; // every interface
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void requireRulesOnEveryResource(Platform p) {
        for (Object resource : p.env().jersey().getResourceConfig().getInstances()) {
            if (resource.getClass().isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                AccessFeature.requireRules(resource.getClass());
            }
        }
        for (Class<?> type : p.env().jersey().getResourceConfig().getClasses()) {
            if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                AccessFeature.requireRules(type);
            }
        }
    }
}
