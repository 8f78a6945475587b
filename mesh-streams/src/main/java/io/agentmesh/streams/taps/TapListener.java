package io.agentmesh.streams.taps;

/** Told of every record the taps write (for per-tap rates). Called on stream threads: quick, never throws. */
@FunctionalInterface
public interface TapListener {

    TapListener NONE = (tap, bytes) -> { };

    void onRecord(String tap, int bytes);
}
