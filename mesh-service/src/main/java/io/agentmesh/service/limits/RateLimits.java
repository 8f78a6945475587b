package io.agentmesh.service.limits;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.config.LimitsSettings;
import io.agentmesh.service.errors.MeshException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Token buckets (Bucket4j) per agent for sends and per owner for registrations, on this node. A
 * refusal is 429 {@code RATE_LIMITED} with {@code Retry-After} (gRPC RESOURCE_EXHAUSTED with the
 * {@code retry-after} and {@code grpc-retry-pushback-ms} trailers), counted in
 * {@code mesh.ratelimit.sends_refused} / {@code mesh.ratelimit.registrations_refused}.
 */
public final class RateLimits {

    private final LimitsSettings settings;
    private final Function<String, Optional<String>> namespaceOf;
    private final Cache<String, Bucket> sendBuckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000).build();
    private final Cache<String, Bucket> registrationBuckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(100_000).build();
    private final Counter sendsRefused;
    private final Counter registrationsRefused;

    /** {@code namespaceOf}: an agent's namespace (consulted only when namespaces have their own rate). */
    public RateLimits(LimitsSettings settings, Function<String, Optional<String>> namespaceOf, MetricRegistry metrics) {
        this.settings = settings;
        this.namespaceOf = namespaceOf;
        this.sendsRefused = metrics.counter("mesh.ratelimit.sends_refused");
        this.registrationsRefused = metrics.counter("mesh.ratelimit.registrations_refused");
    }

    /** Takes {@code messages} send tokens of an agent caller; 429 when its bucket has not enough. */
    public void acquireSends(MeshPrincipal caller, int messages) {
        if (!settings.isEnabled() || !caller.isAgent()) {
            return;
        }
        LimitsSettings.Rate rate = sendRate(caller.name());
        Bucket bucket = sendBuckets.get(caller.name(), id -> bucket(rate));
        take(bucket, messages, rate, sendsRefused, "agent '" + caller.name() + "' sends", "sends");
    }

    /**
     * A namespace or broadcast message from an agent writes to every inbox it reaches: it costs that
     * many send tokens (beyond the one its send took), at most the agent's burst, so a sender's
     * fan-out work is bounded by its send rate. {@code reached} empty (the mesh cannot say): the burst.
     */
    public void acquireFanOut(MeshPrincipal caller, java.util.OptionalLong reached) {
        if (!settings.isEnabled() || !caller.isAgent()) {
            return;
        }
        LimitsSettings.Rate rate = sendRate(caller.name());
        long cost = Math.min(rate.getBurst(), reached.orElse(rate.getBurst())) - 1;
        if (cost > 0) {
            Bucket bucket = sendBuckets.get(caller.name(), id -> bucket(rate));
            take(bucket, (int) cost, rate, sendsRefused, "agent '" + caller.name() + "' sends (a fan-out to "
                    + (reached.isPresent() ? reached.getAsLong() + " agents" : "every agent") + ")", "sends");
        }
    }

    /** Takes a registration token of the registering owner or operator; 429 when there is none. */
    public void acquireRegistration(MeshPrincipal caller) {
        if (!settings.isEnabled() || caller.isOpen() || caller.isAgent()) {
            return;
        }
        LimitsSettings.Rate rate = settings.getRegistrations();
        Bucket bucket = registrationBuckets.get(caller.label(), id -> bucket(rate));
        take(bucket, 1, rate, registrationsRefused, caller.label() + " registers agents", "registrations");
    }

    private LimitsSettings.Rate sendRate(String agent) {
        LimitsSettings.Rate own = settings.getAgents().get(agent);
        if (own != null) {
            return own;
        }
        if (!settings.getNamespaces().isEmpty()) {
            LimitsSettings.Rate ns = namespaceOf.apply(agent).map(settings.getNamespaces()::get).orElse(null);
            if (ns != null) {
                return ns;
            }
        }
        return settings.getSends();
    }

    private static Bucket bucket(LimitsSettings.Rate rate) {
        return Bucket.builder().addLimit(limit -> limit.capacity(rate.getBurst())
                .refillGreedy(rate.getTokens(), rate.per())).build();
    }

    private static void take(Bucket bucket, int tokens, LimitsSettings.Rate rate, Counter refused, String who, String what) {
        if (tokens > rate.getBurst()) {
            refused.inc();
            throw MeshException.rateLimited(tokens + " " + what + " at once is more than the burst of " + rate.getBurst()
                    + " allowed to " + who.substring(0, who.lastIndexOf(' ')) + ": send smaller batches", 1,
                    Map.of("limit", rate.toString()));
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(tokens);
        if (!probe.isConsumed()) {
            refused.inc();
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
            throw MeshException.rateLimited(who + " faster than " + rate + ": retry in " + seconds + " s", seconds,
                    Map.of("limit", rate.toString()));
        }
    }
}
