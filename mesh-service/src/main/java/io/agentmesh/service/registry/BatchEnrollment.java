package io.agentmesh.service.registry;

import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Many registrations of one caller in one call: each is the registration a single call makes (the
 * same checks, limits and answer), run a few at once so their inbox topics are created together,
 * and answered one by one in the order given: one that fails does not stop the others.
 */
public final class BatchEnrollment {

    public static final int MAX_AGENTS = 500;
    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");

    private final Enrollment enrollment;
    private final ExecutorService workers;

    public BatchEnrollment(Enrollment enrollment, ExecutorService workers) {
        this.enrollment = enrollment;
        this.workers = workers;
    }

    /** Checks the batch as a whole (nothing is registered when it is malformed), then registers each. */
    public Map<String, Object> register(MeshPrincipal caller, List<RegisterAgentRequest> agents) {
        if (agents == null || agents.isEmpty()) {
            throw MeshException.invalidField("agents", "a list of 1 to " + MAX_AGENTS + " agents is required");
        }
        if (agents.size() > MAX_AGENTS) {
            throw MeshException.invalidField("agents", agents.size() + " agents; at most " + MAX_AGENTS + " per call");
        }
        if (caller.isAgent() && agents.size() > 1) {
            // an agent registers only itself: more than one item would only repeat that registration
            throw MeshException.invalidField("agents", "an agent's own key registers only that agent: one item per call");
        }
        List<RegisterCommand> commands = new ArrayList<>(agents.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < agents.size(); i++) {
            RegisterAgentRequest r = agents.get(i);
            if (r == null) {
                throw MeshException.invalidField("agents[" + i + "]", "an agent may not be null");
            }
            RegisterCommand c = r.toCommand();
            if (c.id() != null && !c.id().isEmpty() && !ids.add(c.id())) {
                throw MeshException.invalidField("agents[" + i + "].id", "'" + c.id() + "' appears twice in the batch");
            }
            commands.add(c);
        }
        List<CompletableFuture<Map<String, Object>>> answers = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            int index = i;
            RegisterCommand c = commands.get(i);
            CompletableFuture<Map<String, Object>> answer;
            try {
                answer = CompletableFuture.supplyAsync(() -> one(caller, index, c), workers);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("index", index);
                failed(out, ErrorCode.DRAINING, "the node is stopping; register this agent again", Map.of());
                answer = CompletableFuture.completedFuture(out);
            }
            answers.add(answer);
        }
        List<Map<String, Object>> results = new ArrayList<>(answers.size());
        int registered = 0;
        for (CompletableFuture<Map<String, Object>> a : answers) {
            Map<String, Object> r = a.join();
            registered += (int) r.get("status") < 300 ? 1 : 0;
            results.add(r);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("registered", registered);
        out.put("failed", results.size() - registered);
        out.put("results", results);
        return out;
    }

    private Map<String, Object> one(MeshPrincipal caller, int index, RegisterCommand command) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("index", index);
        try {
            Enrollment.Registered r = enrollment.register(caller, command);
            out.put("status", r.created() ? 201 : 200);
            out.put("agent", new RegisteredAgent(r.agent(), r.apiKey(), r.kafka()));
        } catch (MeshException e) {
            failed(out, e.code(), e.getMessage(), e.details());
        } catch (RuntimeException | Error e) {
            // answered like the others: the items already registered keep their answers (and keys)
            LOG.error("batch registration of item {} failed", index, e);
            failed(out, ErrorCode.INTERNAL, "internal error", Map.of());
        }
        return out;
    }

    private static void failed(Map<String, Object> out, ErrorCode code, String message, Map<String, Object> details) {
        out.put("status", code.httpStatus());
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code.name());
        error.put("message", message);
        if (details != null && !details.isEmpty()) {
            error.put("details", details);
        }
        out.put("error", error);
    }
}
