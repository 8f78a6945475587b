package io.agentmesh.streams.topics;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place that names every mesh topic, and the agent id &rarr; inbox topic function.
 *
 * <p>Agent ids are restricted to lower-case letters, digits, '.' and '-' (see {@link AgentIds}),
 * and the prefix may not contain '_', so {@code inbox(id)} is injective, uses only legal topic
 * characters, stays within the prefix, and no two inboxes can collide in Kafka's metric names
 * (where '.' and '_' are the same).
 */
public final class MeshTopics {

    private static final Pattern LEGAL_PREFIX = Pattern.compile("[a-zA-Z0-9.-]{1,40}");

    private final String prefix;

    public MeshTopics(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!LEGAL_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "topic prefix must be 1-40 characters of [a-zA-Z0-9.-], got '" + prefix + "'");
        }
        this.prefix = prefix.endsWith(".") ? prefix : prefix + ".";
    }

    /** The default catalogue, prefix {@code mesh.}. */
    public static MeshTopics defaults() {
        return new MeshTopics("mesh");
    }

    public String prefix() {
        return prefix;
    }

    public String ingress() {
        return prefix + "ingress";
    }

    public String dlq() {
        return prefix + "dlq";
    }

    public String registry() {
        return prefix + "registry";
    }

    public String health() {
        return prefix + "health";
    }

    public String events() {
        return prefix + "events";
    }

    /**
     * The A2A gateway's task event log: every task created through the gateway and every status,
     * artifact and message event of it, as A2A JSON, keyed by task id (so a task's events keep order).
     * Any node folds it into the tasks it serves.
     */
    public String a2aTaskEvents() {
        return prefix + "a2a.task-events";
    }

    /**
     * The A2A tasks, compacted: the latest snapshot of each task folded from {@link #a2aTaskEvents}
     * by the router's application, keyed by task id. Nodes start from it; tasks outlive the event
     * log's retention.
     */
    public String a2aTasks() {
        return prefix + "a2a.tasks";
    }

    /**
     * The analytics taps' definitions, compacted, keyed by tap name (a tombstone ends a tap): what
     * the taps application runs. PostgreSQL holds the taps; the service writes them here.
     */
    public String tapDefinitions() {
        return prefix + "taps";
    }

    /** The prefix of every tap's topic. */
    public String tapPrefix() {
        return prefix + "tap.";
    }

    /** The topic a tap writes its records to. */
    public String tap(String name) {
        return tapPrefix() + name;
    }

    private String inboxPrefix() {
        return prefix + "agent.";
    }

    /** The inbox topic of an agent; the id must be valid ({@link AgentIds#isValid}). */
    public String inbox(String agentId) {
        AgentIds.requireValid(agentId);
        return inboxPrefix() + agentId;
    }

    /** The agent whose inbox this topic is, if it is one. */
    public Optional<String> agentOf(String topic) {
        if (topic == null || !topic.startsWith(inboxPrefix())) {
            return Optional.empty();
        }
        String id = topic.substring(inboxPrefix().length());
        return AgentIds.isValid(id) ? Optional.of(id) : Optional.empty();
    }
}
