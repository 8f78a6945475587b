package io.agentmesh.service.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Prints answers: aligned tables and "key: value" lines by default, the JSON itself with --output json. */
final class Output {

    enum Format { table, json }

    private final PrintStream out;
    private final Format format;

    Output(PrintStream out, Format format) {
        this.out = out;
        this.format = format;
    }

    boolean json() {
        return format == Format.json;
    }

    void println(String line) {
        out.println(line);
    }

    /** A table of {@code rows} with the given columns (header → JSON field); the raw JSON with --output json. */
    void table(JsonNode whole, JsonNode rows, Map<String, String> columns) {
        if (json()) {
            raw(whole);
            return;
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(columns.keySet().toArray(new String[0]));
        for (JsonNode row : rows) {
            lines.add(columns.values().stream().map(field -> cell(row.path(field))).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                sb.append(i == line.length - 1 ? line[i] : String.format("%-" + (widths[i] + 2) + "s", line[i]));
            }
            out.println(sb.toString().stripTrailing());
        }
        if (rows.size() == 0) {
            out.println("(none)");
        }
    }

    /** "key: value" lines for an object (nested values as compact JSON); the raw JSON with --output json. */
    void fields(JsonNode node) {
        if (json()) {
            raw(node);
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.println(e.getKey() + ": " + cell(e.getValue()));
        }
    }

    /** One line for people; the raw JSON with --output json. */
    void line(JsonNode node, String text) {
        if (json()) {
            raw(node);
        } else {
            out.println(text);
        }
    }

    void raw(JsonNode node) {
        try {
            out.println(MeshClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cell(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return "-";
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(x.isValueNode() ? x.asText() : x.toString()));
            return parts.isEmpty() ? "-" : String.join(",", parts);
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
