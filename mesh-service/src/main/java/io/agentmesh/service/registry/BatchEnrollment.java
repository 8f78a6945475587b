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
 * Many registrations of one caller in one call: each gets the checks, limits and answer of the
 * registration a single call makes (checked a few at once), those that pass are stored together
 * (their inbox topics in one request, their records in one transaction), and each is answered in
 * the order given: one that fails does not stop the others.
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
        // each checked as a single call checks it (a few at once: an A2A agent's card is fetched), then
        // those that pass are stored together
        List<CompletableFuture<AgentRegistry.Checked>> checks = new ArrayList<>(commands.size());
        for (RegisterCommand c : commands) {
            try {
                checks.add(CompletableFuture.supplyAsync(() -> enrollment.check(caller, c), workers));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                checks.add(CompletableFuture.failedFuture(new MeshException(ErrorCode.DRAINING,
                        "the node is stopping; register this agent again", Map.of())));
            }
        }
        List<Map<String, Object>> results = new ArrayList<>(commands.size());
        List<AgentRegistry.Checked> passed = new ArrayList<>();
        List<Integer> passedAt = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("index", i);
            results.add(out);
            try {
                passed.add(checks.get(i).join());
                passedAt.add(i);
            } catch (java.util.concurrent.CompletionException e) {
                refused(out, i, e.getCause());
            }
        }
        if (!passed.isEmpty()) {
            List<Enrollment.Answer> answers;
            try {
                answers = enrollment.registerAll(caller, passed);
            } catch (RuntimeException e) {
                // not one item's: each that passed its checks gets it as its answer
                answers = passed.stream().map(c -> new Enrollment.Answer(null, e)).toList();
            }
            for (int k = 0; k < answers.size(); k++) {
                int index = passedAt.get(k);
                Enrollment.Answer a = answers.get(k);
                Map<String, Object> out = results.get(index);
                if (a.refused() != null) {
                    refused(out, index, a.refused());
                } else {
                    Enrollment.Registered r = a.registered();
                    out.put("status", r.created() ? 201 : 200);
                    out.put("agent", new RegisteredAgent(r.agent(), r.apiKey(), r.kafka()));
                }
            }
        }
        int registered = 0;
        for (Map<String, Object> r : results) {
            registered += (int) r.get("status") < 300 ? 1 : 0;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("registered", registered);
        out.put("failed", results.size() - registered);
        out.put("results", results);
        return out;
    }

    /** The item's error as a single call would answer it; anything but a MeshException is logged and internal. */
    private static void refused(Map<String, Object> out, int index, Throwable cause) {
        if (cause instanceof MeshException e) {
            failed(out, e.code(), e.getMessage(), e.details());
        } else {
            // answered like the others: the items already registered keep their answers (and keys)
            LOG.error("batch registration of item {} failed", index, cause);
            failed(out, ErrorCode.INTERNAL, "internal error", Map.of());
        }
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
