package io.agentmesh.streams.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TaskFoldTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    private static ObjectNode created() throws Exception {
        return (ObjectNode) json("{'kind':'task','id':'t1','contextId':'c1','status':{'state':'submitted'},"
                + "'history':[{'role':'user','messageId':'m1','parts':[{'kind':'text','text':'hi'}]}],'artifacts':[]}");
    }

    @Test
    void aResentTaskRecordChangesNothing() throws Exception {
        ObjectNode t = TaskFold.apply(null, created());
        ObjectNode again = TaskFold.apply(t, json("{'kind':'task','id':'t1','contextId':'other','status':{'state':'working'}}"));
        assertThat(again.path("contextId").asText()).isEqualTo("c1");
        assertThat(TaskFold.state(again)).isEqualTo("submitted");
    }

    @Test
    void statusArtifactsAndHistoryFoldInOrderAndAFinalStateIsTheLast() throws Exception {
        ObjectNode t = TaskFold.apply(null, created());
        t = TaskFold.apply(t, json("{'kind':'status-update','taskId':'t1','status':{'state':'working'}}"));
        t = TaskFold.apply(t, json("{'kind':'artifact-update','taskId':'t1','artifact':{'artifactId':'a','parts':[{'kind':'text','text':'1'}]}}"));
        t = TaskFold.apply(t, json("{'kind':'artifact-update','taskId':'t1','append':true,'artifact':{'artifactId':'a','parts':[{'kind':'text','text':'2'}]}}"));
        t = TaskFold.apply(t, json("{'kind':'artifact-update','taskId':'t1','artifact':{'artifactId':'b','parts':[{'kind':'text','text':'x'}]}}"));
        assertThat(t.path("artifacts")).hasSize(2);
        assertThat(t.path("artifacts").get(0).path("parts").findValuesAsText("text")).containsExactly("1", "2");
        t = TaskFold.apply(t, json("{'kind':'message','taskId':'t1','role':'user','messageId':'m1','parts':[]}"));
        assertThat(t.path("history")).as("a message already in the history is not added twice").hasSize(1);
        t = TaskFold.apply(t, json("{'kind':'status-update','taskId':'t1','status':{'state':'completed','message':"
                + "{'role':'agent','messageId':'m2','parts':[{'kind':'text','text':'done'}]}}}"));
        assertThat(TaskFold.isFinal(t)).isTrue();
        assertThat(t.path("history")).hasSize(2);
        ObjectNode after = TaskFold.apply(t, json("{'kind':'status-update','taskId':'t1','status':{'state':'working'}}"));
        assertThat(TaskFold.state(after)).isEqualTo("completed");
    }

    @Test
    void anUpdateOfATaskNotCreatedIsDroppedAndUnknownKindsAreSkipped() throws Exception {
        assertThat(TaskFold.apply(null, json("{'kind':'status-update','taskId':'t9','status':{'state':'working'}}"))).isNull();
        ObjectNode t = TaskFold.apply(null, created());
        assertThat(TaskFold.state(TaskFold.apply(t, json("{'kind':'from-the-future','taskId':'t1'}")))).isEqualTo("submitted");
        assertThat(TaskFold.settled(json("{'status':{'state':'input-required'}}"))).isTrue();
        assertThat(TaskFold.settled(json("{'status':{'state':'working'}}"))).isFalse();
    }

    @Test
    void aStatusUpdatesMetadataIsMergedIntoTheTasks() throws Exception {
        ObjectNode t = TaskFold.apply(null, created());
        t.putObject("metadata").put("agent", "a1");
        t = TaskFold.apply(t, json("{'kind':'status-update','taskId':'t1','status':{'state':'input-required'},"
                + "'metadata':{'agentmesh':{'remote_task_id':'r1'}}}"));
        assertThat(t.path("metadata").path("agent").asText()).isEqualTo("a1");
        assertThat(t.path("metadata").path("agentmesh").path("remote_task_id").asText()).isEqualTo("r1");
    }
}
