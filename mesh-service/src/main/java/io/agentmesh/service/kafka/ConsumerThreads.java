package io.agentmesh.service.kafka;

import org.apache.kafka.clients.consumer.Consumer;

import java.time.Duration;

/** The end of a consumer that one thread of its own polls: wake the poll, let the thread finish, then close. */
public final class ConsumerThreads {

    private ConsumerThreads() {
    }

    /**
     * Stops {@code thread} (which must see its own stop flag already cleared) polling {@code consumer}:
     * wakes its poll, waits up to {@code join} for it, then closes the consumer (only this thread touches
     * it then: a KafkaConsumer is not for two threads).
     */
    public static void stop(Consumer<?, ?> consumer, Thread thread, Duration join) throws InterruptedException {
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            thread.join(join.toMillis());
        }
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Sleeps, keeping the interrupt for the caller to see. */
    public static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
