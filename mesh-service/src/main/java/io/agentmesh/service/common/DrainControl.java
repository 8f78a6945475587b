package io.agentmesh.service.common;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Whether this node is draining: new sends, streams and polls are refused with 503 DRAINING. */
public final class DrainControl {

    private final AtomicReference<Instant> since = new AtomicReference<>();

    public boolean start() {
        return since.compareAndSet(null, Instant.now());
    }

    public boolean stop() {
        return since.getAndSet(null) != null;
    }

    public boolean draining() {
        return since.get() != null;
    }

    public Instant since() {
        return since.get();
    }

    /** Throws 503 DRAINING (with Retry-After) while draining. */
    public void requireOpen(String what) {
        if (draining()) {
            throw new MeshException(ErrorCode.DRAINING, "this node is draining since " + since.get() + ": " + what
                    + " refused; use another node", Map.of("retry_after_seconds", 5));
        }
    }
}
