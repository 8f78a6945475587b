package io.agentmesh.service.auth;

import io.agentmesh.service.common.LogText;
import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every operator action and every refused call: written at once to {@code logs/audit.log} (logger
 * {@code io.agentmesh.audit}) and, off the request's thread, to PostgreSQL for
 * {@code GET /api/v1/audit}. A flood of refused calls cannot stall the API nor crowd out the
 * record of operator actions: refusals and actions wait in separate queues (10,000 rows each); past
 * that, rows are counted as missed (the log file still has them) and a warning says so.
 */
public final class AuditLog implements Managed {

    public static final String DONE = "done";
    public static final String DENIED = "denied";
    public static final String FAILED = "failed";

    /** One audited call. */
    public record Entry(Instant at, String actor, String action, String target, String outcome, Integer status,
                        String detail) {
    }

    private static final Logger AUDIT = LoggerFactory.getLogger("io.agentmesh.audit");
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final AuditDao dao;
    private final Clock clock;
    private final ThreadPoolExecutor actions = writer("audit-actions");
    private final ThreadPoolExecutor refusals = writer("audit-refusals");
    private final AtomicLong missed = new AtomicLong();

    public AuditLog(AuditDao dao, Clock clock) {
        this.dao = dao;
        this.clock = clock;
    }

    public void record(String actor, String action, String target, String outcome, Integer status, String detail) {
        Entry e = new Entry(clock.instant(), actor, action, target == null ? null : LogText.clean(target), outcome,
                status, detail == null ? null : LogText.clean(detail));
        // every field quoted and escaped: user text cannot add fields or lines
        AUDIT.info("actor=\"{}\" action=\"{}\" target=\"{}\" outcome={} status={} detail=\"{}\"", LogText.clean(actor),
                LogText.clean(action), e.target() == null ? "" : e.target(), outcome, status,
                e.detail() == null ? "" : e.detail());
        try {
            (DENIED.equals(outcome) ? refusals : actions).execute(() -> store(e));
        } catch (java.util.concurrent.RejectedExecutionException full) {
            if (missed.incrementAndGet() % 1000 == 1) {
                LOG.warn("audit rows waiting for PostgreSQL exceed 10000 ({}): {} not stored (logs/audit.log has them)", outcome,
                        missed.get());
            }
        }
    }

    public List<Map<String, Object>> find(String actor, String action, Instant since, int limit) {
        return dao.find(actor, action, since, limit);
    }

    public long missed() {
        return missed.get();
    }

    private void store(Entry e) {
        try {
            dao.insert(e);
        } catch (RuntimeException failure) {
            missed.incrementAndGet();
            LOG.warn("audit row not stored in PostgreSQL (logs/audit.log has it): {}", failure.toString());
        }
    }

    private static ThreadPoolExecutor writer(String name) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void stop() throws InterruptedException {
        actions.shutdown();
        refusals.shutdown();
        actions.awaitTermination(5, TimeUnit.SECONDS);
        refusals.awaitTermination(5, TimeUnit.SECONDS);
    }
}
