package io.agentmesh.service.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.ErrorBody;
import io.agentmesh.service.common.ProgressListener;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import org.glassfish.jersey.server.ChunkedOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A long operation answered as NDJSON ({@code Accept: application/x-ndjson}): a
 * {@code {"progress":{"done":n,"total":t}}} line at most every 250 ms while it runs, then one
 * {@code {"result":…}} or {@code {"error":{code,message,status,details}}} line. Bad input is
 * refused with a plain 4xx before the stream starts. The operation runs to its end even if the
 * client goes away.
 */
public final class ProgressStream {

    public static final String NDJSON = "application/x-ndjson";
    private static final Logger LOG = LoggerFactory.getLogger(ProgressStream.class);
    private static final long EVERY_NANOS = 250_000_000L;

    private ProgressStream() {
    }

    public static ChunkedOutput<String> run(ObjectMapper mapper, String name, Function<ProgressListener, Object> work) {
        ChunkedOutput<String> out = new ChunkedOutput<>(String.class);
        Thread worker = new Thread(() -> {
            long[] last = {0};
            ProgressListener progress = (done, total) -> {
                long now = System.nanoTime();
                if (now - last[0] >= EVERY_NANOS || (total > 0 && done >= total)) {
                    last[0] = now;
                    write(out, mapper, Map.of("progress", Map.of("done", done, "total", total)));
                }
            };
            try {
                Object result = work.apply(progress);
                write(out, mapper, Map.of("result", result));
            } catch (MeshException e) {
                write(out, mapper, Map.of("error", ErrorBody.of(e)));
            } catch (RuntimeException e) {
                String errorId = UUID.randomUUID().toString();
                LOG.error("{} failed, error id {}", name, errorId, e);
                write(out, mapper, Map.of("error", ErrorBody.of(new MeshException(ErrorCode.INTERNAL,
                        "internal error; quote error id " + errorId))));
            } finally {
                try {
                    out.close();
                } catch (IOException e) {
                    // the client is gone
                }
            }
        }, name);
        worker.setDaemon(true);
        worker.start();
        return out;
    }

    private static void write(ChunkedOutput<String> out, ObjectMapper mapper, Object line) {
        if (out.isClosed()) {
            return;
        }
        try {
            out.write(mapper.writeValueAsString(line) + "\n");
        } catch (IOException e) {
            // the client went away; the operation goes on
        }
    }
}
