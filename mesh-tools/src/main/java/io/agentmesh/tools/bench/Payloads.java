package io.agentmesh.tools.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Benchmark payloads: a JSON object of a fixed size that carries the time its send was intended
 * ({@code System.nanoTime()} of the sending JVM, where the receiver also runs) and a sequence
 * number: {@code {"t":<nanos>,"s":<seq>,"p":"xxx…"}}.
 */
public final class Payloads {

    private static final byte[] PREFIX = "{\"t\":".getBytes(StandardCharsets.US_ASCII);

    private Payloads() {
    }

    public static byte[] of(long intendedNanos, long seq, int size) {
        String head = "{\"t\":" + intendedNanos + ",\"s\":" + seq + ",\"p\":\"";
        int pad = Math.max(0, size - head.length() - 2);
        byte[] out = new byte[head.length() + pad + 2];
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(h, 0, out, 0, h.length);
        Arrays.fill(out, h.length, h.length + pad, (byte) 'x');
        out[out.length - 2] = '"';
        out[out.length - 1] = '}';
        return out;
    }

    /** The intended send time in a payload made by {@link #of}; -1 when it is not one. */
    public static long intendedNanos(byte[] payload) {
        if (payload == null || payload.length < PREFIX.length + 1
                || !Arrays.equals(payload, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
            return -1;
        }
        long value = 0;
        int i = PREFIX.length;
        boolean negative = payload[i] == '-';
        if (negative) {
            i++;
        }
        for (; i < payload.length && payload[i] >= '0' && payload[i] <= '9'; i++) {
            value = value * 10 + (payload[i] - '0');
        }
        return negative ? -value : value;
    }
}
