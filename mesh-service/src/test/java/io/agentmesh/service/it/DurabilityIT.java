package io.agentmesh.service.it;

import io.agentmesh.service.config.KafkaSettings;
import io.agentmesh.service.kafka.DurabilityCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A node does not run on topics that one broker failure can empty of acknowledged messages, unless told to. */
class DurabilityIT {

    @Test
    void aNodeOnAOneBrokerKafkaRefusesToStartUnlessToldItIsForDevelopment() {
        MeshApp node = MeshApp.onSharedBroker(MeshApp.set("kafka.allowUnsafeDurability", "false"));
        Throwable refused = catchThrowable(() -> node.extension().before());
        try {
            node.extension().after();
        } catch (RuntimeException e) {
            // it never fully started
        }
        assertThat(refused).isNotNull();
        Throwable root = refused;
        while (root.getCause() != null && !(root instanceof IllegalStateException)) {
            root = root.getCause();
        }
        assertThat(root).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("can lose acknowledged messages when one broker fails")
                .hasMessageContaining("replicas 1, min.insync.replicas 1")
                .hasMessageContaining("kafka.allowUnsafeDurability");
    }

    @Test
    void theCheckReadsWhatEachTopicHasNotWhatTheConfigurationSays() throws Exception {
        String topic = "durability-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.get().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)
                    .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1")))).all().get(10, TimeUnit.SECONDS);
            KafkaSettings strict = new KafkaSettings();
            strict.setReplicationFactor((short) 3);
            assertThat(new DurabilityCheck(admin, strict).read(List.of(topic)))
                    .containsExactly(new DurabilityCheck.Replication(topic, 1, 1));
            assertThatThrownBy(() -> new DurabilityCheck(admin, strict).verify(List.of(topic)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(topic);

            KafkaSettings relaxed = new KafkaSettings();
            relaxed.setAllowUnsafeDurability(true);
            assertThat(new DurabilityCheck(admin, relaxed).verify(List.of(topic))).isFalse();
        }
    }
}
