package io.agentmesh.service.delivery;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class AckedOffsetsTest {

    @Test
    void rangesRoundTrip() {
        TreeSet<Long> acked = new TreeSet<>(List.of(5L, 7L, 8L, 9L, 12L));
        String encoded = AckedOffsets.encode(acked);
        assertThat(encoded).isEqualTo("acked:5,7-9,12");
        assertThat(AckedOffsets.decode(encoded)).containsExactly(5L, 7L, 8L, 9L, 12L);
        assertThat(AckedOffsets.decode(AckedOffsets.encode(new TreeSet<>()))).isEmpty();
    }

    @Test
    void foreignOrBrokenMetadataMeansNothingAcked() {
        assertThat(AckedOffsets.decode(null)).isEmpty();
        assertThat(AckedOffsets.decode("")).isEmpty();
        assertThat(AckedOffsets.decode("written by someone else")).isEmpty();
        assertThat(AckedOffsets.decode("acked:1,x-3")).isEmpty();
    }

    @Test
    void neverLongerThanKafkaAcceptsDroppingTheHighestRanges() {
        TreeSet<Long> scattered = new TreeSet<>();
        for (long o = 0; o < 20_000; o += 2) {
            scattered.add(1_000_000_000L + o);
        }
        String encoded = AckedOffsets.encode(scattered);
        assertThat(encoded.length()).isLessThanOrEqualTo(AckedOffsets.MAX_LENGTH);
        assertThat(AckedOffsets.decode(encoded)).first().isEqualTo(1_000_000_000L);
    }

    @Test
    void deliveredButUnackedOffsetsTravelBesideTheAckedOnes() {
        String encoded = AckedOffsets.encode(new TreeSet<>(List.of(7L)), new TreeSet<>(List.of(3L, 4L, 9L)));
        assertThat(encoded).isEqualTo("acked:7;sent:3-4,9");
        assertThat(AckedOffsets.decode(encoded)).containsExactly(7L);
        assertThat(AckedOffsets.decodeSent(encoded)).containsExactly(3L, 4L, 9L);
        assertThat(AckedOffsets.decodeSent("acked:5,7-9")).isEmpty();
        assertThat(AckedOffsets.decode(AckedOffsets.encode(new TreeSet<>(), new TreeSet<>(List.of(1L))))).isEmpty();
    }

    @Test
    void theLeaseEpochRidesAtTheEndAndLeavesTheRangesAlone() {
        String encoded = AckedOffsets.encode(new TreeSet<>(List.of(7L)), new TreeSet<>(List.of(3L)), 4711);
        assertThat(encoded).isEqualTo("acked:7;sent:3;epoch:4711");
        assertThat(AckedOffsets.decode(encoded)).containsExactly(7L);
        assertThat(AckedOffsets.decodeSent(encoded)).containsExactly(3L);
        assertThat(AckedOffsets.decodeEpoch(encoded)).isEqualTo(4711);
        assertThat(AckedOffsets.decodeEpoch(AckedOffsets.encode(new TreeSet<>(List.of(1L)), new TreeSet<>(), 9)))
                .isEqualTo(9);
        assertThat(AckedOffsets.decode("acked:1-2;epoch:9")).containsExactly(1L, 2L);
        assertThat(AckedOffsets.decodeEpoch("acked:1")).isZero();
        assertThat(AckedOffsets.decodeEpoch("acked:1;epoch:x")).isZero();
        assertThat(AckedOffsets.decodeEpoch(null)).isZero();
    }
}
