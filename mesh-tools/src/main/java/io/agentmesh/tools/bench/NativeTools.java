package io.agentmesh.tools.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Whether a native load generator the bench drives (wrk, h2load) is installed. */
final class NativeTools {

    private NativeTools() {
    }

    /**
     * True when {@code command} starts (the program is on the PATH). Its exit status is not asked:
     * {@code wrk --version} prints its version and exits 1.
     */
    static boolean installed(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
