package io.agentmesh.streams.envelope;

/**
 * Recognises, without a parser, the plain RFC 3339 times the mesh itself writes:
 * {@code YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)} with fields in range. Only a subset of what
 * {@link java.time.OffsetDateTime#parse} accepts: a time it does not recognise is left to that parser.
 */
final class Rfc3339 {

    private Rfc3339() {
    }

    static boolean plain(String t) {
        int n = t.length();
        if (n < 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':') {
            return false;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return false;
        }
        int i = 19;
        if (t.charAt(i) == '.') {
            int start = ++i;
            while (i < n && Character.isDigit(t.charAt(i)) && t.charAt(i) < 128) {
                i++;
            }
            if (i == start || i - start > 9) {
                return false;
            }
        }
        if (i == n - 1) {
            return t.charAt(i) == 'Z';
        }
        if (i != n - 6 || (t.charAt(i) != '+' && t.charAt(i) != '-') || t.charAt(i + 3) != ':') {
            return false;
        }
        int offsetHours = digits(t, i + 1, 2);
        int offsetMinutes = digits(t, i + 4, 2);
        return offsetHours >= 0 && offsetHours <= 17 && offsetMinutes >= 0 && offsetMinutes <= 59;
    }

    /** The number in {@code t[from, from + count)}, or -1 unless every one is an ASCII digit. */
    private static int digits(String t, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
