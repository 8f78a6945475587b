package io.agentmesh.service.cli;

import java.util.function.Supplier;

/**
 * For long operations: while the call runs, a line on stderr shows what is going on and for how
 * long (only on a terminal, so scripts and pipes get clean output).
 */
final class Progress {

    private static final char[] SPIN = {'|', '/', '-', '\\'};

    private Progress() {
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
