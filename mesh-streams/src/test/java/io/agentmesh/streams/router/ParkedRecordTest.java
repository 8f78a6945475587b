package io.agentmesh.streams.router;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ParkedRecordTest {

    @Test
    void roundTripsWithEverythingItKnows() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_id", "m1".getBytes(StandardCharsets.UTF_8));
        ParkedRecord r = new ParkedRecord("k".getBytes(StandardCharsets.UTF_8), new byte[]{1, 2}, headers, 42, "k", 7,
                "UNKNOWN_TARGET", "no agent", "mesh.ingress-0@3", 5, 99, true, 6);

        ParkedRecord back = ParkedRecord.fromBytes(r.toBytes());

        assertThat(back.routingKey()).isEqualTo("k");
        assertThat(back.value()).containsExactly(1, 2);
        assertThat(new String(back.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8)).isEqualTo("m1");
        assertThat(back.checksAtPark()).isEqualTo(5);
        assertThat(back.deadlineMs()).isEqualTo(99);
        assertThat(back.expires()).isTrue();
        assertThat(back.maxAttempts()).isEqualTo(6);
        assertThat(back.attempts(8)).as("parked at 5 checks, 3 since").isEqualTo(4);
    }

    @Test
    void readsWhatThePreviousRetryStoreWrote() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(1);
            out.write('k');
            out.writeInt(2);
            out.write(new byte[]{9, 9});
            out.writeInt(0);
            out.writeLong(1000);
            out.writeInt(3);
            out.writeLong(1100);
            out.writeLong(1200);
            out.writeUTF("NO_HEALTHY_AGENT");
            out.writeUTF("nobody");
            out.writeUTF("mesh.ingress-1@5");
        }

        ParkedRecord old = ParkedRecord.fromBytes(bytes.toByteArray());

        assertThat(old.timestamp()).isEqualTo(1000);
        assertThat(old.firstFailureMs()).isEqualTo(1100);
        assertThat(old.lastReason()).isEqualTo("NO_HEALTHY_AGENT");
        assertThat(old.origin()).isEqualTo("mesh.ingress-1@5");
        assertThat(old.value()).containsExactly(9, 9);
    }
}
