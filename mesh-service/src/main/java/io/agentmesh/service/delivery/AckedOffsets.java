package io.agentmesh.service.delivery;

import io.agentmesh.service.kafka.InboxCommits;

import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Offsets acknowledged above a partition's committed offset (acks out of order), kept in the
 * commit's metadata so a stream that reconnects — on any node — does not get them again. Encoded as
 * ranges: {@code "acked:5,7-9"}; then the delivered-but-unacked ones ({@code ";sent:3-4"}) and the
 * epoch of the inbox lease that made the commit ({@code ";epoch:4711"}, see {@link InboxLeases}).
 */
public final class AckedOffsets {

    static final String PREFIX = InboxCommits.MARKER;
    /** After the acked ranges: the offsets delivered before and not acked yet (their next delivery is a redelivery). */
    static final String SENT = ";sent:";
    /** Last: the epoch of the lease under which the commit was made (absent: 0, none). */
    static final String EPOCH = ";epoch:";
    /** Kafka's default offset.metadata.max.bytes is 4096. */
    static final int MAX_LENGTH = 4000;

    private AckedOffsets() {
    }

    public static String encode(NavigableSet<Long> offsets) {
        return encode(offsets, new TreeSet<>());
    }

    /** Acked ranges, then the delivered-but-unacked ones; ranges that would not fit are left out. */
    public static String encode(NavigableSet<Long> acked, NavigableSet<Long> sent) {
        return encode(acked, sent, 0);
    }

    /** As {@link #encode(NavigableSet, NavigableSet)}, made under the lease of {@code epoch} (0: none). */
    public static String encode(NavigableSet<Long> acked, NavigableSet<Long> sent, long epoch) {
        StringBuilder sb = new StringBuilder(PREFIX);
        ranges(sb, acked);
        if (!sent.isEmpty() && sb.length() < MAX_LENGTH - 50) {
            sb.append(SENT);
            int mark = sb.length();
            ranges(sb, sent, mark);
        }
        if (epoch > 0) {
            sb.append(EPOCH).append(epoch);
        }
        return sb.toString();
    }

    /** The epoch of the lease the commit was made under; 0 when none was written. */
    public static long decodeEpoch(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return 0;
        }
        int at = metadata.lastIndexOf(EPOCH);
        if (at < 0) {
            return 0;
        }
        try {
            return Long.parseLong(metadata.substring(at + EPOCH.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String withoutEpoch(String metadata) {
        int at = metadata.lastIndexOf(EPOCH);
        return at < 0 ? metadata : metadata.substring(0, at);
    }

    private static void ranges(StringBuilder sb, NavigableSet<Long> offsets) {
        ranges(sb, offsets, PREFIX.length());
    }

    private static void ranges(StringBuilder sb, NavigableSet<Long> offsets, int bodyStart) {
        Long start = null;
        Long prev = null;
        for (long o : offsets) {
            if (prev != null && o == prev + 1) {
                prev = o;
                continue;
            }
            append(sb, start, prev, bodyStart);
            start = o;
            prev = o;
        }
        append(sb, start, prev, bodyStart);
    }

    /** The offsets acked out of order. */
    public static NavigableSet<Long> decode(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return new TreeSet<>();
        }
        String body = withoutEpoch(metadata).substring(PREFIX.length());
        int sent = body.indexOf(SENT);
        return parse(sent < 0 ? body : body.substring(0, sent));
    }

    /** The offsets delivered before and not acked when the commit was made. */
    public static NavigableSet<Long> decodeSent(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return new TreeSet<>();
        }
        String body = withoutEpoch(metadata);
        int sent = body.indexOf(SENT);
        return sent < 0 ? new TreeSet<>() : parse(body.substring(sent + SENT.length()));
    }

    private static NavigableSet<Long> parse(String body) {
        NavigableSet<Long> out = new TreeSet<>();
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
    private static void append(StringBuilder sb, Long start, Long end, int bodyStart) {
        if (start == null || sb.length() > MAX_LENGTH - 42) {
            return;
        }
        if (sb.length() > bodyStart) {
            sb.append(',');
        }
        sb.append(start);
        if (!start.equals(end)) {
            sb.append('-').append(end);
        }
    }
}
