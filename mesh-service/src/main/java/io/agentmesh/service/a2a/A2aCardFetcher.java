package io.agentmesh.service.a2a;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.common.BoundedBody;
import io.agentmesh.service.common.OutboundGuard;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.errors.OutboundFailures;
import io.agentmesh.service.registry.RemoteCards;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Fetches an A2A server's agent card for a registration with {@code "delivery": "a2a"}. A URL whose
 * path ends in {@code .json} is the card; any other URL is the server's base, where the card is at
 * {@code /.well-known/agent-card.json} (A2A 0.3 and later) or {@code /.well-known/agent.json}
 * (earlier). Redirects are not followed (the outbound rules judge the URL that is fetched), the
 * card is read up to {@value #MAX_CARD_BYTES} bytes within {@code TIMEOUT} for the whole exchange, and the card must name a JSON-RPC interface:
 * the mesh makes its calls over the JSON-RPC binding.
 */
public final class A2aCardFetcher implements RemoteCards {

    /** Twice what a registration's card may be (room for whitespace; the registry checks the card itself). */
    static final int MAX_CARD_BYTES = 64 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String JSONRPC = "JSONRPC";
    private static final List<String> WELL_KNOWN = List.of("/.well-known/agent-card.json", "/.well-known/agent.json");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build();
    private final OutboundGuard guard;
    private final ObjectMapper mapper;

    public A2aCardFetcher(OutboundGuard guard, ObjectMapper mapper) {
        this.guard = guard;
        this.mapper = mapper;
    }

    @Override
    public Remote fetch(URI url) {
        List<String> tried = new ArrayList<>();
        for (URI candidate : candidates(url)) {
            guard.requireAllowed("endpoint", candidate);
            Fetched got = get(candidate);
            if (got.status() == 404 && !url.getPath().endsWith(".json")) {
                tried.add(candidate + " (404)");
                continue;
            }
            if (got.status() != 200) {
                throw MeshException.invalidField("endpoint", "no A2A agent card at " + candidate + ": HTTP " + got.status());
            }
            Map<String, Object> card = parse(candidate, got.body());
            String rpcUrl = rpcUrl(card).orElseThrow(() -> MeshException.invalidField("endpoint", "the agent card at "
                    + candidate + " offers no JSON-RPC interface (no url with preferredTransport JSONRPC, nor one in "
                    + "additionalInterfaces or supportedInterfaces): the mesh makes its A2A calls over JSON-RPC"));
            return new Remote(candidate.toString(), card, rpcUrl);
        }
        throw MeshException.invalidField("endpoint", "no A2A agent card at " + String.join(" nor ", tried));
    }

    private static List<URI> candidates(URI url) {
        if (url.getPath() != null && url.getPath().endsWith(".json")) {
            return List.of(url);
        }
        String base = url.toString().replaceAll("/+$", "");
        return WELL_KNOWN.stream().map(p -> URI.create(base + p)).toList();
    }

    private record Fetched(int status, byte[] body) {
    }

    private Fetched get(URI url) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
        try {
            // the deadline covers the whole exchange: a server that trickles its body cannot hold a
            // registration or the leader's refresh round
            HttpResponse<byte[]> r = http.sendAsync(request, BoundedBody.upTo(MAX_CARD_BYTES))
                    .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
            return new Fetched(r.statusCode(), r.body());
        } catch (CompletionException e) {
            if (e.getCause() instanceof BoundedBody.TooLarge) {
                throw MeshException.invalidField("endpoint", "the agent card at " + url + " is larger than "
                        + MAX_CARD_BYTES + " bytes");
            }
            throw MeshException.invalidField("endpoint", "cannot fetch the agent card at " + url + ": "
                    + OutboundFailures.describe(e, TIMEOUT, url));
        }
    }

    private Map<String, Object> parse(URI url, byte[] body) {
        try {
            Map<String, Object> card = mapper.readValue(body, new TypeReference<>() { });
            if (card == null) {
                throw new IOException("the body is null");
            }
            return card;
        } catch (IOException e) {
            throw MeshException.invalidField("endpoint", "the agent card at " + url + " is not a JSON object: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * The card's JSON-RPC interface: its {@code url} when the preferred transport is JSON-RPC (the
     * default in 0.3), else the first JSON-RPC entry of {@code additionalInterfaces} (0.3) or
     * {@code supportedInterfaces} (1.0).
     */
    static Optional<String> rpcUrl(Map<String, Object> card) {
        Object preferred = card.getOrDefault("preferredTransport", JSONRPC);
        if (JSONRPC.equals(preferred) && card.get("url") instanceof String url && !url.isBlank()) {
            return Optional.of(url);
        }
        for (String list : List.of("additionalInterfaces", "supportedInterfaces")) {
            if (card.get(list) instanceof List<?> interfaces) {
                for (Object i : interfaces) {
                    if (i instanceof Map<?, ?> m && (JSONRPC.equals(m.get("transport")) || JSONRPC.equals(m.get("protocolBinding")))
                            && m.get("url") instanceof String url && !url.isBlank()) {
                        return Optional.of(url);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
