package io.agentmesh.service.common;

import io.agentmesh.service.errors.MeshException;

import java.util.Collection;
import java.util.Map;

/**
 * JSON a caller gives the mesh to keep in Postgres ({@code jsonb}): Postgres refuses a string
 * holding a NUL character ({@code \u0000}) anywhere in it, keys included, so such a value is refused
 * as the caller's mistake (400 naming the field) before anything is written, not as a 500 after.
 */
public final class StorableJson {

    private StorableJson() {
    }

    /** Refuses {@code value} (a map, list, string or scalar as Jackson reads JSON) when a string in it holds NUL. */
    public static void require(String field, Object value) {
        if (holdsNul(value)) {
            throw MeshException.invalidField(field, "holds a NUL character (\\u0000) in a string, which cannot be stored");
        }
    }

    /**
     * A copy of {@code value} (maps, lists, strings, scalars) that Postgres can store: every NUL in a
     * string, keys included, written as the six characters {@code \u0000}. For records of what a
     * caller sent (an audit), where refusing the request is not wanted.
     */
    public static Object escaped(Object value) {
        if (value instanceof String s) {
            return s.indexOf('\0') < 0 ? s : s.replace("\0", "\\u0000");
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(escaped(k), escaped(v)));
            return out;
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(StorableJson::escaped).toList();
        }
        return value;
    }

    private static boolean holdsNul(Object value) {
        if (value instanceof String s) {
            return s.indexOf('\0') >= 0;
        }
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (holdsNul(e.getKey()) || holdsNul(e.getValue())) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Collection<?> c) {
            for (Object o : c) {
                if (holdsNul(o)) {
                    return true;
                }
            }
        }
        return false;
    }
}
