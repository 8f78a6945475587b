package io.agentmesh.tools.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code h2load} (Debian package {@code nghttp2-client}) as a native gRPC client: one process
 * per request body, all at once, each on one HTTP/2 connection (h2c) with a number of streams in
 * flight, POSTing the same length-prefixed protobuf message as a unary call. Reads each process's
 * summary and their CPU time together (the shell's {@code times}). h2load counts an HTTP 200 as
 * success; a gRPC error also comes with 200 (its status is in the trailers), so the caller checks
 * what arrived.
 */
final class H2loadRunner {

    /** What the processes gave together: requests done, those not answered 2xx, the longest run's seconds, CPU. */
    record Run(long requests, long failed, double seconds, double cpuSeconds) {
    }

    private static final Pattern FINISHED = Pattern.compile("finished in ([0-9.]+)(us|ms|s),");
    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, \\d+ started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");

    private final Path dir;

    H2loadRunner(Path dir) {
        this.dir = dir;
    }

    static boolean available() {
        return NativeTools.installed("h2load", "--version");
    }

    /** A gRPC message frame: not compressed, its length (4 bytes, big-endian), the message. */
    static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    /**
     * Unary calls to {@code url} (http://host:port/package.Service/Method): for each message, one
     * h2load process sending it {@code each} times on one connection with {@code streams} in flight.
     */
    Run unary(String url, List<byte[]> messages, long each, int streams) throws IOException, InterruptedException {
        List<Path> outputs = new ArrayList<>();
        List<String> args = new ArrayList<>();
        StringBuilder script = new StringBuilder();
        for (byte[] message : messages) {
            Path body = Files.createTempFile(dir, "h2load-", ".bin");
            Files.write(body, frame(message));
            Path out = Files.createTempFile(dir, "h2load-", ".out");
            outputs.add(out);
            // paths and the URL as positional arguments: nothing of theirs is parsed by the shell
            int a = args.size() + 1;
            args.add(body.toString());
            args.add(out.toString());
            script.append("h2load -n ").append(each).append(" -c 1 -m ").append(streams)
                    .append(" -N 30s -d \"$").append(a).append("\" -H 'content-type: application/grpc' -H 'te: trailers'")
                    .append(" \"${URL}\" > \"$").append(a + 1).append("\" 2>&1 &\n");
        }
        script.append("wait\ntimes\n");
        Path shell = Files.createTempFile(dir, "h2load-", ".times");
        List<String> command = new ArrayList<>(List.of("bash", "-c", script.toString(), "h2load"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(shell.toFile());
        builder.environment().put("URL", url);
        // `times` prints seconds with the locale's decimal mark
        builder.environment().put("LC_ALL", "C");
        Process p = builder.start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException("h2load did not finish within 600 s: " + Files.readString(shell));
        }
        String times = Files.readString(shell);
        if (p.exitValue() != 0) {
            throw new IOException("h2load failed: " + times);
        }
        long requests = 0;
        long failed = 0;
        double seconds = 0;
        for (Path out : outputs) {
            String text = Files.readString(out);
            Matcher f = FINISHED.matcher(text);
            Matcher r = REQUESTS.matcher(text);
            if (!f.find() || !r.find()) {
                throw new IOException("h2load printed no summary: " + text);
            }
            double s = Double.parseDouble(f.group(1)) / switch (f.group(2)) {
                case "us" -> 1e6;
                case "ms" -> 1e3;
                default -> 1;
            };
            seconds = Math.max(seconds, s);
            requests += Long.parseLong(r.group(1));
            failed += Long.parseLong(r.group(1)) - Long.parseLong(r.group(3));
        }
        // the last line of `times`: user and system time of the shell's children (the h2load processes)
        List<String> lines = times.lines().filter(l -> !l.isBlank()).toList();
        String[] children = lines.get(lines.size() - 1).trim().split("\\s+");
        return new Run(requests, failed, seconds, WrkRunner.seconds(children[0]) + WrkRunner.seconds(children[1]));
    }
}
