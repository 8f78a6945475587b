package com.example.taprates;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;

/**
 * One agent's minute so far: how many messages were routed to it and their routing latencies
 * (kept whole up to {@link #KEPT}, which is plenty for a minute of one agent's traffic; past it the
 * p99 is of the first {@code KEPT}).
 */
public record MinuteStats(@JsonProperty("messages") long messages, @JsonProperty("latencies_ms") long[] latenciesMs) {

    static final int KEPT = 100_000;

    public static MinuteStats empty() {
        return new MinuteStats(0, new long[0]);
    }

    public MinuteStats add(long latencyMs) {
        long[] more = latenciesMs;
        if (latencyMs >= 0 && latenciesMs.length < KEPT) {
            more = Arrays.copyOf(latenciesMs, latenciesMs.length + 1);
            more[latenciesMs.length] = latencyMs;
        }
        return new MinuteStats(messages + 1, more);
    }

    /** The 99th percentile by nearest rank; -1 when no latency was seen. */
    public long p99() {
        if (latenciesMs.length == 0) {
            return -1;
        }
        long[] sorted = latenciesMs.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(0.99 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
