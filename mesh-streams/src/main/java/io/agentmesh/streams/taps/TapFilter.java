package io.agentmesh.streams.taps;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Which message events a tap takes. Every list that is not empty must match (an empty list matches
 * everything): {@code namespaces} any of the namespaces the event touches (its sender's, its
 * target's, its agents'), {@code capabilities} the target's capability or one of its agents',
 * {@code types} the message type (exact, or a prefix ending in {@code *}), {@code senders} the
 * sending agent, {@code targets} the target as sent ({@code capability:ocr}) or one of its agents,
 * {@code events} the kind of event ({@link TapEvent#KINDS}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TapFilter(@JsonProperty("namespaces") List<String> namespaces,
                        @JsonProperty("capabilities") List<String> capabilities,
                        @JsonProperty("types") List<String> types,
                        @JsonProperty("senders") List<String> senders,
                        @JsonProperty("targets") List<String> targets,
                        @JsonProperty("events") List<String> events) {

    public TapFilter {
        namespaces = copy(namespaces);
        capabilities = copy(capabilities);
        types = copy(types);
        senders = copy(senders);
        targets = copy(targets);
        events = copy(events);
    }

    public static TapFilter all() {
        return new TapFilter(null, null, null, null, null, null);
    }

    private static List<String> copy(List<String> in) {
        return in == null ? List.of() : List.copyOf(in);
    }

    /** Whether the tap takes {@code e}, whose namespaces and capabilities are already looked up. */
    public boolean matches(TapEvent e, Set<String> eventNamespaces, Set<String> eventCapabilities) {
        return (events.isEmpty() || events.contains(e.kind()))
                && (senders.isEmpty() || (e.from() != null && senders.contains(e.from())))
                && (types.isEmpty() || typeMatches(e.type()))
                && (namespaces.isEmpty() || anyIn(namespaces, eventNamespaces))
                && (capabilities.isEmpty() || anyIn(capabilities, eventCapabilities))
                && (targets.isEmpty() || (e.to() != null && targets.contains(e.to())) || anyIn(targets, e.recipients()));
    }

    private boolean typeMatches(String type) {
        if (type == null) {
            return false;
        }
        for (String t : types) {
            if (t.endsWith("*") ? type.startsWith(t.substring(0, t.length() - 1)) : type.equals(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyIn(List<String> wanted, Collection<String> present) {
        for (String w : wanted) {
            if (present.contains(w)) {
                return true;
            }
        }
        return false;
    }
}
