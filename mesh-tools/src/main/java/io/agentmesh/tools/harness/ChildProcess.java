package io.agentmesh.tools.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process of the test bed (a JVM on the mesh's classpath, or a server such as redis-server), its
 * output in a log file: started, stopped (SIGTERM), killed (SIGKILL), paused and resumed
 * (SIGSTOP/SIGCONT).
 */
public final class ChildProcess {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    public ChildProcess(String name, List<String> command, Map<String, String> environment, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    /**
     * JVM options for every Java process a harness starts, from {@code MESH_HARNESS_JVM_OPTS}
     * (space-separated, after the harness's own, so they win); empty when it is not set. The test
     * suite's smoke runs set {@code -XX:TieredStopAtLevel=1}: start-up is most of their time.
     */
    public static List<String> extraJvmOptions() {
        String opts = System.getenv("MESH_HARNESS_JVM_OPTS");
        return opts == null || opts.isBlank() ? List.of() : List.of(opts.trim().split("\\s+"));
    }

    /** A JVM running {@code mainAndArgs} on this classpath (normally the packaged mesh jar). */
    public static ChildProcess java(String name, String classpath, List<String> jvmOptions, List<String> mainAndArgs,
                                    Map<String, String> environment, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(extraJvmOptions());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.addAll(mainAndArgs);
        return new ChildProcess(name, cmd, environment, log);
    }

    public String name() {
        return name;
    }

    public synchronized ChildProcess start() throws IOException {
        if (alive()) {
            throw new IllegalStateException(name + " is already running");
        }
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        b.environment().putAll(environment);
        process = b.start();
        return this;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed by the process. */
    public synchronized void kill() throws InterruptedException {
        if (alive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then SIGKILL if it has not ended within the grace. */
    public synchronized void stop(long graceSeconds) throws InterruptedException {
        if (alive()) {
            process.destroy();
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String sig) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", sig, Long.toString(pid())).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("kill " + sig + " " + pid() + " failed");
        }
    }

    /** CPU time (user + system) the process has used so far, in seconds (Linux /proc; 100 ticks a second). */
    public double cpuSeconds() throws IOException {
        if (!alive()) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based over the whole line)
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** File descriptors the process holds open now (Linux /proc), 0 when it is not running. */
    public long openFiles() throws IOException {
        if (!alive()) {
            return 0;
        }
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return fds.count();
        }
    }

    /** Memory mappings of the process now (lines of /proc/<pid>/maps; Linux caps them at vm.max_map_count). */
    public long memoryMaps() throws IOException {
        if (!alive()) {
            return 0;
        }
        try (java.util.stream.Stream<String> maps = Files.lines(Path.of("/proc", Long.toString(pid()), "maps"))) {
            return maps.count();
        }
    }

    /** Resident memory of the process now (Linux /proc), 0 when it is not running. */
    public long rssBytes() throws IOException {
        if (!alive()) {
            return 0;
        }
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    /** The last lines of its output, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
