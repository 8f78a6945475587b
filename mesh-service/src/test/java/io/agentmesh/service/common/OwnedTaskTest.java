package io.agentmesh.service.common;

import org.junit.jupiter.api.Test;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OwnedTaskTest {

    @Test
    void aRefusedTaskClosesWhatItOwned() {
        AtomicInteger closed = new AtomicInteger();
        Executor full = task -> {
            throw new RejectedExecutionException("no thread free");
        };
        assertThatThrownBy(() -> OwnedTask.start(full, closed::incrementAndGet, () -> { }))
                .isInstanceOf(RejectedExecutionException.class);
        assertThat(closed).hasValue(1);
    }

    @Test
    void anAcceptedTaskKeepsItOpenForTheTaskToClose() {
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        OwnedTask.start(Runnable::run, closed::incrementAndGet, ran::incrementAndGet);
        assertThat(ran).hasValue(1);
        assertThat(closed).hasValue(0);
    }
}
