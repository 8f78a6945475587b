package io.agentmesh.service.registry;

import io.agentmesh.service.errors.MeshException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A2A AgentCards: checks the fields the mesh reads ({@code name}, {@code description},
 * {@code version}, {@code url}, {@code skills[{id, name, tags}]}), turns skill ids and tags into
 * capabilities, and makes a card for agents that registered without one. Other card fields are kept
 * as given.
 */
public final class AgentCards {

    private static final int MAX_TOKEN = 64;

    private AgentCards() {
    }

    /** Checks the card's shape; a 400 naming {@code card.<field>} otherwise. */
    public static void check(Map<String, Object> card) {
        requireString(card, "name", true);
        requireString(card, "description", false);
        requireString(card, "version", false);
        requireString(card, "url", false);
        Object skills = card.get("skills");
        if (skills == null) {
            return;
        }
        if (!(skills instanceof List<?> list)) {
            throw MeshException.invalidField("card.skills", "must be an array of skills");
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "card.skills[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> skill)) {
                throw MeshException.invalidField(at, "must be an object with id, name and tags");
            }
            if (!(skill.get("id") instanceof String id) || id.isBlank()) {
                throw MeshException.invalidField(at + ".id", "is required and must be a string");
            }
            if (skill.get("name") != null && !(skill.get("name") instanceof String)) {
                throw MeshException.invalidField(at + ".name", "must be a string");
            }
            Object tags = skill.get("tags");
            if (tags != null && !(tags instanceof List<?> t && t.stream().allMatch(String.class::isInstance))) {
                throw MeshException.invalidField(at + ".tags", "must be an array of strings");
            }
            // a tag the mesh cannot spell as a capability is refused, never dropped
            if (tags instanceof List<?> tagList) {
                for (Object tag : tagList) {
                    if (normalize((String) tag).isEmpty()) {
                        throw MeshException.invalidField(at + ".tags", "'" + tag + "' has no letters or digits the mesh can "
                                + "use in a capability (a-z, 0-9, '.', '_', '-', accents are transliterated)");
                    }
                }
            }
        }
    }

    /**
     * Capabilities the card declares: every skill id and tag, lower-cased, with runs of other
     * characters than {@code [a-z0-9._-]} turned into '-' ("Route Planning" → "route-planning").
     */
    public static List<String> capabilities(Map<String, Object> card) {
        Set<String> out = new LinkedHashSet<>();
        if (card.get("skills") instanceof List<?> skills) {
            for (Object s : skills) {
                if (s instanceof Map<?, ?> skill) {
                    add(out, skill.get("id"));
                    if (skill.get("tags") instanceof List<?> tags) {
                        tags.forEach(t -> add(out, t));
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The card of an agent: the one it registered with, or one made from its registration. */
    public static Map<String, Object> cardOf(AgentRecord agent) {
        if (agent.card() != null) {
            return agent.card();
        }
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("name", agent.name());
        if (agent.metadata().get("description") instanceof String d) {
            card.put("description", d);
        }
        if (agent.endpoint() != null) {
            card.put("url", agent.endpoint());
        }
        if (agent.metadata().get("version") instanceof String v) {
            card.put("version", v);
        }
        List<Map<String, Object>> skills = new ArrayList<>();
        for (String c : agent.capabilities()) {
            skills.add(Map.of("id", c, "name", c, "tags", List.of(c)));
        }
        card.put("skills", skills);
        return card;
    }

    /**
     * A capability from a skill id or tag: accents transliterated ("ÜBER" → "uber", "Straße" →
     * "strasse"), lower-cased, other runs turned into '-'. Empty when nothing usable is left.
     */
    static String normalize(String raw) {
        String latin = java.text.Normalizer.normalize(raw.replace("ß", "ss").replace("ẞ", "SS")
                        .replace("æ", "ae").replace("Æ", "AE").replace("ø", "o").replace("Ø", "O").replace("ł", "l")
                        .replace("Ł", "L"), java.text.Normalizer.Form.NFD)
                .replaceAll("\\p{M}+", "");
        String s = latin.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return s.length() > MAX_TOKEN ? s.substring(0, MAX_TOKEN) : s;
    }

    private static void add(Set<String> out, Object raw) {
        if (raw instanceof String s) {
            String n = normalize(s);
            if (!n.isEmpty()) {
                out.add(n);
            }
        }
    }

    private static void requireString(Map<String, Object> card, String field, boolean required) {
        Object v = card.get(field);
        if (v == null && !required) {
            return;
        }
        if (!(v instanceof String s) || (required && s.isBlank())) {
            throw MeshException.invalidField("card." + field, required ? "is required and must be a non-empty string"
                    : "must be a string");
        }
    }
}
