package io.agentmesh.service.delivery;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The acknowledged position moves only forward, and a stale lease cannot commit after a newer one. */
class InboxCursorTest {

    private static final String TOPIC = "mesh.agent.a";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    private InboxCursor cursor;

    @BeforeEach
    void open() {
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        cursor = new InboxCursor("a", TOPIC, consumer, Map.of(), Map.of(0, 0L));
    }

    private OffsetAndMetadata committed() {
        return consumer.committed(Set.of(P0), Duration.ofSeconds(1)).get(P0);
    }

    private void commit(long offset, long epoch) {
        cursor.commitWithAcks(Map.of(0, new InboxCursor.Commit(offset, new TreeSet<>())), epoch);
    }

    @Test
    void aCommitBehindThePositionLeavesItWhereItIs() {
        commit(10, 7);
        commit(5, 7);
        assertThat(committed().offset()).isEqualTo(10);
        commit(12, 7);
        assertThat(committed().offset()).isEqualTo(12);
        // unleased commits (push, an ack while ZooKeeper is away) move forward only too
        cursor.commit(Map.of(0, 3L));
        assertThat(committed().offset()).isEqualTo(12);
    }

    @Test
    void aLeaseOlderThanTheLastCommitsIsFencedOff() {
        commit(10, 200);
        assertThat(AckedOffsets.decodeEpoch(committed().metadata())).isEqualTo(200);

        assertThatThrownBy(() -> commit(15, 100)).isInstanceOf(InboxCursor.FencedException.class)
                .hasMessageContaining("epoch 200 > 100");
        assertThat(committed().offset()).isEqualTo(10);

        commit(15, 300);
        assertThat(committed().offset()).isEqualTo(15);
        assertThat(AckedOffsets.decodeEpoch(committed().metadata())).isEqualTo(300);
    }
}
