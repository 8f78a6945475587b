package io.agentmesh.tools.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** A closed-loop load: a fixed number of workers, each sending the next message as soon as the last is answered. */
final class ClosedLoop {

    /** Messages per second over the whole run and the median time per call. */
    record Sample(double perSecond, double p50Ms) {
    }

    /** One send of message {@code i}; throws when the mesh refuses it. */
    interface Send {
        void send(long i) throws Exception;
    }

    private ClosedLoop() {
    }

    /** {@code workers} threads, each with its own sender, take the next message number until all are sent. */
    static Sample run(int messages, int workers, Callable<Send> senderPerWorker) throws Exception {
        AtomicLong next = new AtomicLong();
        Histogram times = new ConcurrentHistogram(3);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                done.add(pool.submit(() -> {
                    Send sender = senderPerWorker.call();
                    for (long i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        sender.send(i);
                        times.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Sample(messages / seconds, times.getValueAtPercentile(50) / 1000.0);
    }
}
