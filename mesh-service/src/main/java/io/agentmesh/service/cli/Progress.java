package io.agentmesh.service.cli;

import java.util.function.Supplier;

/**
 * For long operations: while the call runs, a line on stderr shows what is going on and for how
 * long, or a bar when the mesh reports progress (only on a terminal, so scripts and pipes get clean
 * output).
 */
final class Progress {

    private static final char[] SPIN = {'|', '/', '-', '\\'};

    private Progress() {
    }

    /**
     * A progress bar for an operation that reports how far it is ({@code {"done","total"}}):
     * returns the listener to hand the progress objects to, which draws on a terminal only.
     */
    static java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> bar(MeshCli root, String what) {
        long start = System.nanoTime();
        boolean terminal = System.console() != null;
        return p -> {
            if (!terminal) {
                return;
            }
            long done = p.path("done").asLong();
            long total = p.path("total").asLong();
            root.err.print("\r" + line(what, done, total, (System.nanoTime() - start) / 1_000_000_000L));
            if (total > 0 && done >= total) {
                root.err.println();
            }
            root.err.flush();
        };
    }

    /** {@code what [########            ]  40%  4,000/10,000  12s}; without a total, a count. */
    static String line(String what, long done, long total, long seconds) {
        if (total <= 0) {
            return String.format("%s %,d  %ds", what, done, seconds);
        }
        int width = 30;
        int filled = (int) Math.min(width, done * width / total);
        return String.format("%s [%s%s] %3d%%  %,d/%,d  %ds", what, "#".repeat(filled), " ".repeat(width - filled),
                Math.min(100, done * 100 / total), done, total, seconds);
    }

    static <T> T during(MeshCli root, String what, Supplier<T> call) {
        if (System.console() == null) {
            return call.get();
        }
        long start = System.nanoTime();
        Thread ticker = new Thread(() -> {
            int i = 0;
            while (!Thread.currentThread().isInterrupted()) {
                long s = (System.nanoTime() - start) / 1_000_000_000L;
                root.err.print("\r" + SPIN[i++ % SPIN.length] + " " + what + " … " + s + "s");
                root.err.flush();
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "progress");
        ticker.setDaemon(true);
        ticker.start();
        try {
            return call.get();
        } finally {
            ticker.interrupt();
            root.err.print("\r" + " ".repeat(what.length() + 16) + "\r");
            root.err.flush();
        }
    }
}
