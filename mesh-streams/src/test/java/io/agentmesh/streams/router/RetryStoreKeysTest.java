package io.agentmesh.streams.router;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Store keys sort by their zero-padded numbers exactly as the formatted keys they replace did. */
class RetryStoreKeysTest {

    @Test
    void padsAsTheFormatterDoes() {
        for (long n : new long[]{0, 1, 9, 10, 12_345, 1_764_500_000_000L, Long.MAX_VALUE, -1, -5, Long.MIN_VALUE}) {
            assertThat(RetryStore.pad(n)).as("%d", n).isEqualTo(String.format("%020d", n));
        }
    }
}
