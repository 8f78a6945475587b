package io.agentmesh.service.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which stream gets the next message: round-robin over an agent's streams that have credit, each
 * delivery spending one. Not thread-safe: its session holds the lock.
 *
 * @param <S> a stream
 */
final class CreditDispatcher<S> {

    private final Map<S, Integer> credit = new HashMap<>();
    private final List<S> rotation = new ArrayList<>();
    private int cursor;

    void add(S stream, int initial) {
        if (credit.putIfAbsent(stream, initial) == null) {
            rotation.add(stream);
        }
    }

    void remove(S stream) {
        if (credit.remove(stream) != null) {
            int at = rotation.indexOf(stream);
            rotation.remove(at);
            if (at < cursor) {
                cursor--;
            }
            if (cursor >= rotation.size()) {
                cursor = 0;
            }
        }
    }

    /** More credit for a stream (capped at Integer.MAX_VALUE); ignored for a stream it does not know. */
    void grant(S stream, int more) {
        credit.computeIfPresent(stream, (s, c) -> (int) Math.min(Integer.MAX_VALUE, (long) c + more));
    }

    int credit(S stream) {
        return credit.getOrDefault(stream, 0);
    }

    /** The next stream with credit after the last one served, its credit spent by one; null when none has any. */
    S take() {
        return take(s -> true);
    }

    /** As {@link #take()}, among the streams that are {@code ready} (the others keep their credit). */
    S take(java.util.function.Predicate<S> ready) {
        for (int i = 0; i < rotation.size(); i++) {
            S s = rotation.get((cursor + i) % rotation.size());
            int c = credit.get(s);
            if (c > 0 && ready.test(s)) {
                credit.put(s, c - 1);
                cursor = (cursor + i + 1) % rotation.size();
                return s;
            }
        }
        return null;
    }

    /** The credit of all streams, each counted up to {@code cap}. */
    int total(int cap) {
        int sum = 0;
        for (int c : credit.values()) {
            sum += Math.min(c, cap);
        }
        return sum;
    }

    boolean isEmpty() {
        return rotation.isEmpty();
    }
}
