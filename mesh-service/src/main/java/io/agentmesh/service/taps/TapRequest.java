package io.agentmesh.service.taps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.taps.PayloadPolicy;
import io.agentmesh.streams.taps.TapDefinition;
import io.agentmesh.streams.taps.TapEvent;
import io.agentmesh.streams.taps.TapFilter;
import io.agentmesh.streams.topics.AgentIds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tap as a client writes it ({@code POST /api/v1/taps}, {@code PUT /api/v1/taps/{name}}), checked
 * field by field: {@code name}, {@code filter}, {@code payload} ({@code {"mode": "hash"}}; required
 * to create), {@code retention} (30m, 12h, 7d; 10s to 365d; default 7d), {@code partitions} (1-64;
 * default 3, fixed at creation), {@code reader} (the agent whose Kafka login may read the tap).
 * {@code given}: the fields the body has (a PUT changes those and keeps the others).
 */
public record TapRequest(String name, TapFilter filter, PayloadPolicy payload, long retentionMs, Integer partitions,
                         String reader, Set<String> given) {

    /** The tap as this request changes {@code before} (a PUT): the fields it gives replace those of before. */
    public Tap applyTo(Tap before) {
        return new Tap(before.name(), before.topic(), given.contains("filter") ? filter : before.filter(),
                given.contains("payload") ? payload : before.payload(), before.hmacKey(),
                given.contains("retention") ? retentionMs : before.retentionMs(), before.partitions(),
                given.contains("reader") ? reader : before.reader(), before.createdBy(), before.createdAt(), null, null);
    }

    static final long DEFAULT_RETENTION_MS = Duration.ofDays(7).toMillis();
    static final long MIN_RETENTION_MS = Duration.ofSeconds(10).toMillis();
    static final long MAX_RETENTION_MS = Duration.ofDays(365).toMillis();
    static final int DEFAULT_PARTITIONS = 3;
    static final int MAX_LIST = 100;
    private static final Set<String> FIELDS = Set.of("name", "filter", "payload", "retention", "partitions", "reader");
    private static final Set<String> FILTER_FIELDS = Set.of("namespaces", "capabilities", "types", "senders", "targets", "events");
    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,64}");
    private static final Pattern TYPE = Pattern.compile("[\\x21-\\x7e]{1,200}");

    /** Reads a request body; {@code pathName}, for a PUT, is the tap's name (the body may repeat it). */
    public static TapRequest parse(JsonNode body, String pathName) {
        if (!(body instanceof ObjectNode o)) {
            throw MeshException.invalid("request body must be a JSON object: {\"name\": \"orders-blue\", \"filter\": "
                    + "{\"namespaces\": [\"blue\"]}, \"payload\": {\"mode\": \"hash\"}, \"retention\": \"7d\"}");
        }
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw MeshException.invalidField(f, "unknown field; a tap has " + List.copyOf(new java.util.TreeSet<>(FIELDS)));
            }
        }
        String name = name(pathName != null ? pathName : text(o, "name"));
        if (pathName != null && o.hasNonNull("name") && !pathName.equals(o.get("name").asText())) {
            throw MeshException.invalidField("name", "the body names '" + o.get("name").asText() + "', the path '" + pathName + "'");
        }
        Set<String> given = new java.util.HashSet<>();
        o.fieldNames().forEachRemaining(given::add);
        if (pathName == null && !given.contains("payload")) {
            payload(null);
        }
        return new TapRequest(name, filter(o.get("filter")), given.contains("payload") ? payload(o.get("payload")) : null,
                retention(o.get("retention")), partitions(o.get("partitions")), reader(o.get("reader")), Set.copyOf(given));
    }

    private static String text(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw MeshException.invalidField(field, "must be a string");
        }
        return v.asText();
    }

    private static TapFilter filter(JsonNode node) {
        if (node == null || node.isNull()) {
            return TapFilter.all();
        }
        if (!(node instanceof ObjectNode f)) {
            throw MeshException.invalidField("filter", "must be an object with any of " + FILTER_FIELDS);
        }
        for (Iterator<String> it = f.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FILTER_FIELDS.contains(name)) {
                throw MeshException.invalidField("filter." + name, "unknown filter; filters are " + new java.util.TreeSet<>(FILTER_FIELDS));
            }
        }
        return new TapFilter(
                list(f, "namespaces", v -> NAME.matcher(v).matches(), "1-64 characters of [a-z0-9._-]"),
                list(f, "capabilities", v -> NAME.matcher(v).matches(), "1-64 characters of [a-z0-9._-]"),
                list(f, "types", v -> TYPE.matcher(v).matches() && v.indexOf('*') == (v.endsWith("*") ? v.length() - 1 : -1),
                        "a message type, or a prefix ending in * (order.*)"),
                list(f, "senders", AgentIds::isValid, "an agent id: " + AgentIds.RULE),
                list(f, "targets", TapRequest::target, "an agent id or a target (capability:ocr, namespace:blue, broadcast)"),
                list(f, "events", TapEvent.KINDS::contains, "one of " + TapEvent.KINDS));
    }

    private static boolean target(String v) {
        try {
            io.agentmesh.streams.envelope.Target.parse(v);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static List<String> list(ObjectNode f, String field, java.util.function.Predicate<String> valid, String rule) {
        JsonNode v = f.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray() || v.size() > MAX_LIST) {
            throw MeshException.invalidField("filter." + field, "must be an array of at most " + MAX_LIST + " strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || !valid.test(e.asText())) {
                throw MeshException.invalidField("filter." + field, "'" + e.asText() + "' is not " + rule);
            }
            out.add(e.asText());
        }
        return out;
    }

    private static PayloadPolicy payload(JsonNode node) {
        if (!(node instanceof ObjectNode p)) {
            throw MeshException.invalidField("payload", "is required: {\"mode\": \"include\" | \"hash\" | \"drop\" | \"redact\"}, "
                    + "with \"fields\" for redact");
        }
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("mode") && !name.equals("fields")) {
                throw MeshException.invalidField("payload." + name, "unknown field; payload has mode and fields");
            }
        }
        JsonNode mode = p.get("mode");
        List<String> fields = new ArrayList<>();
        JsonNode fs = p.get("fields");
        if (fs != null && !fs.isNull()) {
            if (!fs.isArray() || fs.size() > MAX_LIST) {
                throw MeshException.invalidField("payload.fields", "must be an array of at most " + MAX_LIST + " dotted paths");
            }
            fs.forEach(e -> fields.add(e.isTextual() ? e.asText() : null));
        }
        PayloadPolicy policy = new PayloadPolicy(mode == null || !mode.isTextual() ? null : mode.asText(), fields);
        String problem = policy.problem();
        if (problem != null) {
            throw MeshException.invalidField(problem.startsWith("mode") ? "payload.mode" : "payload.fields", problem);
        }
        return policy;
    }

    private static long retention(JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_RETENTION_MS;
        }
        long ms = millis("retention", node.asText());
        if (ms < MIN_RETENTION_MS || ms > MAX_RETENTION_MS) {
            throw MeshException.invalidField("retention", "must be from 10 seconds to 365 days");
        }
        return ms;
    }

    /** A duration as the API takes them (30s, 10m, 12h, 7d), in milliseconds. */
    static long millis(String field, String raw) {
        try {
            return io.dropwizard.util.Duration.parse(raw.strip()).toMilliseconds();
        } catch (IllegalArgumentException e) {
            throw MeshException.invalidField(field, "'" + raw + "' is not a duration like 30s, 10m, 12h or 7d");
        }
    }

    /** A tap name as given in a path or a body. */
    static String name(String raw) {
        if (raw == null || !TapDefinition.NAME.matcher(raw).matches()) {
            throw MeshException.invalidField("name", "'" + raw + "' must be " + TapDefinition.NAME_RULE);
        }
        return raw;
    }

    private static Integer partitions(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > 64) {
            throw MeshException.invalidField("partitions", "must be a whole number from 1 to 64");
        }
        return node.asInt();
    }

    private static String reader(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !AgentIds.isValid(node.asText())) {
            throw MeshException.invalidField("reader", "must be the id of the agent whose Kafka login reads the tap: "
                    + AgentIds.RULE);
        }
        return node.asText();
    }
}
