package io.agentmesh.service.delivery;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CreditDispatcherTest {

    private static List<String> take(CreditDispatcher<String> d, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(d.take());
        }
        return out;
    }

    @Test
    void streamsWithCreditAreServedInTurnAndEachDeliverySpendsOne() {
        CreditDispatcher<String> d = new CreditDispatcher<>();
        d.add("a", 2);
        d.add("b", 3);

        assertThat(take(d, 6)).containsExactly("a", "b", "a", "b", "b", null);
        assertThat(d.credit("a")).isZero();
        assertThat(d.credit("b")).isZero();
    }

    @Test
    void aStreamWithoutCreditIsSkippedUntilItGetsMore() {
        CreditDispatcher<String> d = new CreditDispatcher<>();
        d.add("a", 0);
        d.add("b", 1);

        assertThat(d.take()).isEqualTo("b");
        assertThat(d.take()).isNull();
        d.grant("a", 2);
        assertThat(take(d, 3)).containsExactly("a", "a", null);
    }

    @Test
    void aStreamWhoseTransportIsFullIsSkippedAndKeepsItsCredit() {
        CreditDispatcher<String> d = new CreditDispatcher<>();
        d.add("a", 2);
        d.add("b", 2);
        java.util.Set<String> full = new java.util.HashSet<>(List.of("a"));

        assertThat(d.take(s -> !full.contains(s))).isEqualTo("b");
        assertThat(d.take(s -> !full.contains(s))).isEqualTo("b");
        assertThat(d.take(s -> !full.contains(s))).isNull();
        assertThat(d.credit("a")).isEqualTo(2);
        full.clear();
        assertThat(d.take(s -> !full.contains(s))).isEqualTo("a");
    }

    @Test
    void creditNeverOverflowsAndUnknownStreamsGetNone() {
        CreditDispatcher<String> d = new CreditDispatcher<>();
        d.add("a", Integer.MAX_VALUE - 1);
        d.grant("a", 10);
        d.grant("ghost", 5);

        assertThat(d.credit("a")).isEqualTo(Integer.MAX_VALUE);
        assertThat(d.credit("ghost")).isZero();
        assertThat(d.total(100)).as("each stream counts up to the cap").isEqualTo(100);
    }

    @Test
    void removingAStreamKeepsTheTurnOfTheOthers() {
        CreditDispatcher<String> d = new CreditDispatcher<>();
        d.add("a", 5);
        d.add("b", 5);
        d.add("c", 5);
        assertThat(take(d, 2)).containsExactly("a", "b");

        d.remove("b");

        assertThat(take(d, 3)).containsExactly("c", "a", "c");
        d.remove("a");
        d.remove("c");
        assertThat(d.isEmpty()).isTrue();
        assertThat(d.take()).isNull();
    }
}
