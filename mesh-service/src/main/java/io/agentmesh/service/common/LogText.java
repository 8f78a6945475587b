package io.agentmesh.service.common;

/**
 * User-supplied text made safe for a log line: control characters (newlines above all, which would
 * forge log lines) are escaped, and long text is cut.
 */
public final class LogText {

    private static final int MAX = 512;

    private LogText() {
    }

    public static String clean(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 16);
        for (int i = 0; i < text.length() && out.length() < MAX; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (out.length() >= MAX && text.length() > MAX) {
            out.append("…");
        }
        return out.toString();
    }
}
