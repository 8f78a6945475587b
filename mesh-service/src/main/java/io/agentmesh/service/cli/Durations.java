package io.agentmesh.service.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations typed on the command line: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, or plain milliseconds. */
final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    private Durations() {
    }

    static long parseMillis(String option, String raw) {
        Matcher m = FORM.matcher(raw.trim());
        if (!m.matches()) {
            throw new CliFailure(CliFailure.USAGE, option + ": '" + raw + "' is not a duration such as 500ms, 30s, 10m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n;
        };
    }
}
