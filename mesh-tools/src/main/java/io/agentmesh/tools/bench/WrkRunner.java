package io.agentmesh.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code wrk} (Debian package {@code wrk}) against one endpoint with a rotating set of JSON
 * bodies from a generated Lua script, and reads its summary and its own CPU time (via the shell's
 * {@code times}).
 */
final class WrkRunner {

    /** What one run gave: requests, failures (socket errors and unexpected statuses), seconds, percentiles, CPU. */
    record Run(long requests, long failed, double seconds, double p50Ms, double p99Ms, double cpuSeconds) {
    }

    private final Path dir;

    WrkRunner(Path dir) {
        this.dir = dir;
    }

    static boolean available() {
        return NativeTools.installed("wrk", "--version");
    }

    /**
     * {@code connections} keep-alive connections on 2 threads for {@code seconds}, POSTing the bodies
     * in turn to {@code url}; a status other than {@code expectedStatus} counts as failed.
     */
    Run post(String url, List<byte[]> bodies, int expectedStatus, int connections, int seconds) throws IOException,
            InterruptedException {
        Path script = Files.createTempFile(dir, "wrk-", ".lua");
        StringBuilder lua = new StringBuilder("local bodies = {\n");
        for (byte[] body : bodies) {
            lua.append("  [==[").append(new String(body, StandardCharsets.UTF_8)).append("]==],\n");
        }
        lua.append("}\nn = 0\nbad = 0\nlocal threads = {}\n")
                .append("setup = function(thread) table.insert(threads, thread) end\n")
                .append("request = function()\n  n = n + 1\n")
                .append("  return wrk.format(\"POST\", nil, {[\"Content-Type\"] = \"application/json\"}, bodies[n % #bodies + 1])\nend\n")
                .append("response = function(status, headers, body)\n  if status ~= ").append(expectedStatus)
                .append(" then bad = bad + 1 end\nend\n")
                .append("done = function(summary, latency, requests)\n  local failed = 0\n")
                .append("  for _, t in ipairs(threads) do failed = failed + t:get(\"bad\") end\n")
                .append("  local e = summary.errors\n")
                .append("  io.write(string.format(\"RESULT %d %d %d %.0f %.0f\\n\", summary.requests,")
                .append(" failed + e.connect + e.read + e.write + e.timeout, summary.duration,")
                .append(" latency:percentile(50), latency:percentile(99)))\nend\n");
        Files.writeString(script, lua.toString());
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "wrk -t2 -c" + connections + " -d" + seconds
                + "s --timeout 10s -s \"$1\" \"$2\"; times", "wrk", script.toString(), url).redirectErrorStream(true);
        // `times` prints seconds with the locale's decimal mark
        builder.environment().put("LC_ALL", "C");
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("wrk failed: " + out);
        }
        String result = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IOException("wrk printed no result: " + out));
        String[] f = result.split(" ");
        List<String> lines = out.lines().toList();
        // the last line of `times`: user and system time of the shell's children (wrk)
        String[] times = lines.get(lines.size() - 1).trim().split("\\s+");
        return new Run(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]) / 1e6,
                Double.parseDouble(f[4]) / 1000, Double.parseDouble(f[5]) / 1000, seconds(times[0]) + seconds(times[1]));
    }

    /** bash's {@code times} format: {@code 0m1.234s}. */
    static double seconds(String t) {
        int m = t.indexOf('m');
        return Double.parseDouble(t.substring(0, m)) * 60 + Double.parseDouble(t.substring(m + 1, t.length() - 1));
    }
}
