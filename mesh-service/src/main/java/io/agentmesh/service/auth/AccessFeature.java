package io.agentmesh.service.auth;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts an {@link AccessFilter} in front of every REST resource method, with the rule its
 * {@link Allow} names. A resource method without one is refused at wiring ({@link #requireRules}),
 * so a new endpoint cannot ship open by mistake.
 */
public final class AccessFeature implements DynamicFeature {

    private final Authenticator authenticator;
    private final AuditLog audit;
    private final AuthMetrics metrics;

    public AccessFeature(Authenticator authenticator, AuditLog audit, AuthMetrics metrics) {
        this.authenticator = authenticator;
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public void configure(ResourceInfo info, FeatureContext context) {
        Method method = info.getResourceMethod();
        if (method == null || info.getResourceClass() == null) {
            return;
        }
        Allow allow = method.getAnnotation(Allow.class);
        Access access = allow == null ? null : allow.value();
        context.register(new AccessFilter(access, allow == null || allow.audited(), template(info.getResourceClass(), method),
                authenticator, audit, metrics));
    }

    /** The method's path template, e.g. {@code /api/v1/agents/{id}/messages/ack}. */
    public static String template(Class<?> type, Method method) {
        String base = type.isAnnotationPresent(Path.class) ? type.getAnnotation(Path.class).value() : "";
        String sub = method.isAnnotationPresent(Path.class) ? method.getAnnotation(Path.class).value() : "";
        String joined = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /** Refuses a resource with an HTTP method that carries no {@link Allow}: default deny, decided at wiring. */
    public static void requireRules(Class<?> resource) {
        List<String> missing = new ArrayList<>();
        for (Method m : resource.getMethods()) {
            if (HttpMethods.of(m) != null && !m.isAnnotationPresent(Allow.class)) {
                missing.add(resource.getSimpleName() + "." + m.getName());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("REST methods without an access rule (@Allow): " + missing);
        }
    }
}
