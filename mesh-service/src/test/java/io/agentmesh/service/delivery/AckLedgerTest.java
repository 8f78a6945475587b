package io.agentmesh.service.delivery;

import io.agentmesh.service.errors.MeshException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AckLedgerTest {

    private static InboxRecord record(int partition, long offset) {
        return new InboxRecord("m-" + partition + "-" + offset, "from", "agent:a", "t", null, null, null,
                new byte[3], partition, offset, Map.of(), null, null);
    }

    /** A read of {@code offsets} of one partition, the position moving past the last. */
    private static InboxCursor.Batch read(int partition, long... offsets) {
        List<InboxRecord> records = new java.util.ArrayList<>();
        for (long o : offsets) {
            records.add(record(partition, o));
        }
        return new InboxCursor.Batch(records, Map.of(partition, offsets[offsets.length - 1] + 1));
    }

    private static AckLedger<String> fresh() {
        return new AckLedger<>(Map.of());
    }

    @Test
    void aLongLivedStreamKeepsOnlyWhatIsUnackedWhateverItDelivered() {
        AckLedger<String> ledger = fresh();
        int window = 100;
        for (long base = 0; base < 1_000_000; base += window) {
            long[] offsets = new long[window];
            for (int i = 0; i < window; i++) {
                offsets[i] = base + i;
            }
            ledger.read(read(0, offsets));
            List<String> ids = new java.util.ArrayList<>();
            for (AckLedger.Delivery d = ledger.next("s"); d != null; d = ledger.next("s")) {
                ids.add(d.position().id());
            }
            // acknowledged out of order, as a Connect client may
            java.util.Collections.reverse(ids);
            ledger.ack("s", ids);
            if (base % 1000 == 0) {
                ledger.commit();
            }
        }
        ledger.commit();
        assertThat(ledger.inFlight()).isZero();
        // a million delivered and acked: what remains is per-partition bookkeeping, not per message
        assertThat(ledger.retained()).isLessThanOrEqualTo(2);
    }

    @Test
    void deliversLowestOffsetFirstAndCountsAttempts() {
        AckLedger<String> ledger = fresh();
        ledger.read(read(0, 3, 4));
        ledger.read(read(1, 0));

        AckLedger.Delivery first = ledger.next("s1");
        AckLedger.Delivery second = ledger.next("s1");

        assertThat(first.position().id()).isEqualTo("0-3");
        assertThat(first.attempt()).isEqualTo(1);
        assertThat(second.position().id()).isEqualTo("0-4");
        assertThat(ledger.waiting()).isEqualTo(1);
        assertThat(ledger.inFlight()).isEqualTo(2);
        assertThat(ledger.unackedBy("s1")).isEqualTo(2);
    }

    @Test
    void commitIsTheLowestUnackedOffsetWithTheAcksAboveIt() {
        AckLedger<String> ledger = fresh();
        ledger.read(read(0, 0, 1, 2, 3));
        for (int i = 0; i < 4; i++) {
            ledger.next("s");
        }

        ledger.ack("s", List.of("0-1", "0-3"));

        InboxCursor.Commit c = ledger.commit().get(0);
        assertThat(c.offset()).isEqualTo(0);
        assertThat(c.ackedAbove()).containsExactly(1L, 3L);
        assertThat(ledger.commit()).as("nothing changed since").isNull();

        ledger.ack("s", List.of("0-0"));
        c = ledger.commit().get(0);
        assertThat(c.offset()).as("0 and 1 acked, 2 still out").isEqualTo(2);
        assertThat(c.ackedAbove()).containsExactly(3L);

        ledger.ack("s", List.of("0-2"));
        c = ledger.commit().get(0);
        assertThat(c.offset()).isEqualTo(4);
        assertThat(c.ackedAbove()).isEmpty();
    }

    @Test
    void aStreamThatEndsGivesItsMessagesBackInOrderAndTheyComeAgainCounted() {
        AckLedger<String> ledger = fresh();
        ledger.read(read(0, 0, 1, 2));
        ledger.next("s1");
        ledger.next("s1");
        ledger.next("s2");
        ledger.ack("s1", List.of("0-1"));

        assertThat(ledger.giveBack("s1")).isEqualTo(1);

        AckLedger.Delivery again = ledger.next("s2");
        assertThat(again.position().id()).isEqualTo("0-0");
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(ledger.commit().get(0).offset()).as("0 and 2 unacked").isEqualTo(0);
    }

    @Test
    void acksOfAnotherStreamOrUnknownIdsAreRefusedAndChangeNothing() {
        AckLedger<String> ledger = fresh();
        ledger.read(read(0, 0, 1));
        ledger.next("s1");
        ledger.next("s2");
        ledger.commit();

        for (List<String> ids : List.of(List.of("0-1"), List.of("0-0", "0-1"), List.of("zz"), List.of("0-9"))) {
            assertThatThrownBy(() -> ledger.ack("s1", ids)).isInstanceOf(MeshException.class)
                    .hasMessageContaining("not an unacked delivery of this stream");
        }
        assertThatThrownBy(() -> ledger.ack(null, List.of("0-0"))).isInstanceOf(MeshException.class);
        assertThat(ledger.inFlight()).isEqualTo(2);
        assertThat(ledger.commit()).isNull();
    }

    @Test
    void startsFromTheAcknowledgedPositionAndForgetsAcksBelowIt() {
        Map<Integer, InboxCursor.Commit> acknowledged = new TreeMap<>();
        acknowledged.put(0, new InboxCursor.Commit(5, new TreeSet<>(List.of(3L, 7L, 9L))));
        AckLedger<String> ledger = new AckLedger<>(acknowledged);
        ledger.read(new InboxCursor.Batch(List.of(record(0, 5), record(0, 6), record(0, 8)), Map.of(0, 10L)));

        InboxCursor.Commit c = ledger.commit().get(0);
        assertThat(c.offset()).isEqualTo(5);
        assertThat(c.ackedAbove()).containsExactly(7L, 9L);
    }

    @Test
    void aReadThatOnlyPassedOverAckedMessagesStillMovesTheCommit() {
        Map<Integer, InboxCursor.Commit> acknowledged = Map.of(0, new InboxCursor.Commit(0, new TreeSet<>(List.of(0L, 1L))));
        AckLedger<String> ledger = new AckLedger<>(acknowledged);

        ledger.read(new InboxCursor.Batch(List.of(), Map.of(0, 2L)));

        InboxCursor.Commit c = ledger.commit().get(0);
        assertThat(c.offset()).isEqualTo(2);
        assertThat(c.ackedAbove()).isEmpty();
    }

    @Test
    void aLaterSessionKnowsWhatWentOutBeforeAndCountsItsRedelivery() {
        AckLedger<String> first = fresh();
        first.read(read(0, 0, 1));
        first.next("s");
        first.next("s");
        first.ack("s", List.of("0-1"));
        first.giveBack("s");
        InboxCursor.Commit commit = first.commit().get(0);
        assertThat(commit.offset()).isEqualTo(0);
        assertThat(commit.sent()).as("delivered, not acked").containsExactly(0L);

        // the stream is gone; a new session starts from that commit and reads offset 0 again
        AckLedger<String> second = new AckLedger<>(Map.of(0, commit));
        second.read(read(0, 0));
        AckLedger.Delivery again = second.next("s2");

        assertThat(again.position().id()).isEqualTo("0-0");
        assertThat(again.attempt()).isEqualTo(2);
    }
}
