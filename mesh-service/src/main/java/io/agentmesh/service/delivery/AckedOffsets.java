package io.agentmesh.service.delivery;

import io.agentmesh.service.kafka.InboxCommits;

import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Offsets acknowledged above a partition's committed offset (acks out of order), kept in the
 * commit's metadata so a stream that reconnects — on any node — does not get them again. Encoded as
 * ranges: {@code "acked:5,7-9"}.
 */
public final class AckedOffsets {

    static final String PREFIX = InboxCommits.MARKER;
    /** Kafka's default offset.metadata.max.bytes is 4096. */
    static final int MAX_LENGTH = 4000;

    private AckedOffsets() {
    }

    public static String encode(NavigableSet<Long> offsets) {
        StringBuilder sb = new StringBuilder(PREFIX);
        Long start = null;
        Long prev = null;
        for (long o : offsets) {
            if (prev != null && o == prev + 1) {
                prev = o;
                continue;
            }
            append(sb, start, prev);
            start = o;
            prev = o;
        }
        append(sb, start, prev);
        return sb.toString();
    }

    public static NavigableSet<Long> decode(String metadata) {
        NavigableSet<Long> out = new TreeSet<>();
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return out;
        }
        String body = metadata.substring(PREFIX.length());
        if (body.isEmpty()) {
            return out;
        }
        try {
            for (String part : body.split(",")) {
                int dash = part.indexOf('-');
                long from = Long.parseLong(dash < 0 ? part : part.substring(0, dash));
                long to = dash < 0 ? from : Long.parseLong(part.substring(dash + 1));
                for (long o = from; o <= to && out.size() < 100_000; o++) {
                    out.add(o);
                }
            }
        } catch (NumberFormatException e) {
            return new TreeSet<>();
        }
        return out;
    }

    /** Ranges that would not fit are left out: those messages may come again after a reconnect (never lost). */
    private static void append(StringBuilder sb, Long start, Long end) {
        if (start == null || sb.length() > MAX_LENGTH - 42) {
            return;
        }
        if (sb.length() > PREFIX.length()) {
            sb.append(',');
        }
        sb.append(start);
        if (!start.equals(end)) {
            sb.append('-').append(end);
        }
    }
}
