package io.agentmesh.streams.a2a;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class TaskSnapshotsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX = 4096;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, byte[]> tasks;

    @BeforeEach
    void setUp() {
        Topology topology = TaskSnapshots.topology("events", "tasks", MAX);
        Properties p = new Properties();
        p.put("application.id", "snapshots-test");
        p.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(topology, p);
        events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
        tasks = driver.createOutputTopic("tasks", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void pipe(String taskId, String json, String agent) {
        RecordHeaders headers = new RecordHeaders();
        if (agent != null) {
            headers.add(TaskState.AGENT_HEADER, agent.getBytes(StandardCharsets.UTF_8));
        }
        events.pipeInput(new TestRecord<>(taskId, json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), headers));
    }

    private List<TaskSnapshots.Snapshot> snapshots() {
        return tasks.readValuesToList().stream().map(v -> TaskSnapshots.read(JSON, v)).toList();
    }

    @Test
    void everyChangeOfATaskIsSnapshotWithItsSequenceAgentPushConfigsAndLogPosition() {
        pipe("t1", "{'kind':'task','id':'t1','contextId':'c1','status':{'state':'submitted'},'history':[],'artifacts':[]}", "a1");
        pipe("t1", "{'kind':'task','id':'t1','contextId':'c1','status':{'state':'submitted'}}", null); // a resend
        pipe("t1", "not json", null);
        pipe("t1", "{'kind':'status-update','taskId':'t1','status':{'state':'working'}}", null);
        pipe("t1", "{'kind':'push-config','taskId':'t1','pushNotificationConfig':{'id':'p1','url':'https://h/x'}}", null);
        pipe("t1", "{'kind':'artifact-update','taskId':'t1','artifact':{'artifactId':'a','parts':[{'kind':'text','text':'x'}]}}", null);
        pipe("t1", "{'kind':'status-update','taskId':'t1','status':{'state':'completed'}}", null);
        pipe("t1", "{'kind':'status-update','taskId':'t1','status':{'state':'working'}}", null); // after the end
        pipe("t9", "{'kind':'status-update','taskId':'t9','status':{'state':'working'}}", null); // never created

        List<TaskSnapshots.Snapshot> out = snapshots();
        assertThat(out).extracting(s -> TaskFold.state(s.state().task()))
                .containsExactly("submitted", "working", "working", "working", "completed");
        // seq counts the task's events (a push config is not one), as clients' stream ids do
        assertThat(out).extracting(s -> s.state().seq()).containsExactly(0L, 1L, 1L, 2L, 3L);
        assertThat(out).extracting(TaskSnapshots.Snapshot::offset).containsExactly(0L, 3L, 4L, 5L, 6L);
        TaskSnapshots.Snapshot last = out.get(out.size() - 1);
        assertThat(last.state().agent()).isEqualTo("a1");
        assertThat(last.state().pushConfigs()).containsOnlyKeys("p1");
        assertThat(last.state().task().path("artifacts")).hasSize(1);
        assertThat(last.trimmed()).isFalse();
    }

    @Test
    void aSnapshotOverTheLimitLeavesOutHistoryAndArtifactsAndSaysSo() {
        pipe("t2", "{'kind':'task','id':'t2','contextId':'c','status':{'state':'working'},'history':[],'artifacts':[]}", "a");
        pipe("t2", "{'kind':'artifact-update','taskId':'t2','artifact':{'artifactId':'big','parts':[{'kind':'text','text':'"
                + "x".repeat(MAX) + "'}]}}", null);
        pipe("t2", "{'kind':'status-update','taskId':'t2','status':{'state':'completed'}}", null);
        List<TaskSnapshots.Snapshot> out = snapshots();
        assertThat(out).hasSize(3);
        assertThat(out.get(1).trimmed()).isTrue();
        assertThat(out.get(1).state().task().path("artifacts")).isEmpty();
        assertThat(TaskFold.state(out.get(2).state().task())).isEqualTo("completed");
        assertThat(tasks.isEmpty()).isTrue();
        // the store keeps the whole task: later snapshots are folded from all of it
        TaskSnapshots.Snapshot kept = TaskSnapshots.read(JSON,
                driver.<String, byte[]>getKeyValueStore(TaskSnapshots.STORE).get("t2"));
        assertThat(kept.trimmed()).isFalse();
        assertThat(kept.state().task().path("artifacts")).hasSize(1);
        assertThat(kept.state().seq()).isEqualTo(2);
    }
}
