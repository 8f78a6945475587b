package io.agentmesh.streams.router;

import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.envelope.Strategy;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.agentmesh.streams.router.RouterFixture.ids;
import static io.agentmesh.streams.router.TestEvents.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages that cannot be routed yet wait for their target: a check per target per backoff step,
 * release the moment the target can take them, give-up at each message's own deadline, order per
 * target and key, direct messages to any registered agent, and a bounded store.
 */
class RetryTest {

    private static final RetryPolicy BACKOFF = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(4), 5);
    private final RouterFixture mesh = new RouterFixture(new RouterPolicy(Duration.ofMinutes(10), 1024,
            Strategy.ROUND_ROBIN, BACKOFF, Duration.ofMillis(100)));

    @AfterEach
    void close() {
        mesh.close();
    }

    private List<String> eventsOf(String type) {
        return mesh.events.readRecordsToList().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .filter(e -> e.contains("\"event\":\"" + type + "\"")).toList();
    }

    @Test
    void aMessageGivesUpWhenItsLastAttemptWouldFallDue() {
        assertThat(List.of(1, 2, 3, 4, 5)).extracting(n -> BACKOFF.delayAfter(n).toSeconds()).containsExactly(1L, 2L, 4L, 4L, 4L);
        assertThat(BACKOFF.totalWait(5)).isEqualTo(Duration.ofSeconds(11));

        mesh.send("m1", "agent:late", "k");
        // the target is checked at 1, 3, 7 s; the message's five attempts end at 11 s
        mesh.advance(Duration.ofMillis(1100));
        mesh.advance(Duration.ofSeconds(2));
        mesh.advance(Duration.ofSeconds(4));
        assertThat(mesh.dlq.isEmpty()).isTrue();
        mesh.advance(Duration.ofSeconds(4));    // t=11.1 s: past its deadline

        TestRecord<byte[], byte[]> dead = mesh.dlq.readRecord();
        assertThat(header(dead.headers(), MeshHeaders.DLQ_REASON)).isEqualTo("MAX_ATTEMPTS");
        assertThat(header(dead.headers(), MeshHeaders.DLQ_CAUSE)).isEqualTo("UNKNOWN_TARGET");
        assertThat(header(dead.headers(), MeshHeaders.DLQ_ATTEMPTS)).isEqualTo("5");
        assertThat(header(dead.headers(), MeshHeaders.DLQ_FIRST_FAILURE)).isEqualTo(RouterFixture.T0.toString());
        assertThat(header(dead.headers(), MeshHeaders.DLQ_LAST_FAILURE)).isEqualTo(RouterFixture.T0.plusMillis(11_100).toString());
        assertThat(header(dead.headers(), MeshHeaders.ID)).isEqualTo("m1");
        assertThat(eventsOf("retry_scheduled")).as("one event when it starts waiting, none per check").hasSize(1);
    }

    @Test
    void aTargetThatAppearsGetsItsMessagesAtTheNextTickWithTheirAttemptNumber() {
        mesh.send("m1", "agent:late", "k");
        mesh.advance(Duration.ofMillis(1100));  // check 1 fails, next at 3.1 s
        mesh.agent("late");
        mesh.advance(Duration.ofMillis(100));   // the registry change wakes the target up at once

        TestRecord<byte[], byte[]> got = mesh.inbox("late").readRecord();
        assertThat(header(got.headers(), MeshHeaders.ID)).isEqualTo("m1");
        assertThat(header(got.headers(), MeshHeaders.ATTEMPT)).isEqualTo("3");
        assertThat(got.getRecordTime()).isEqualTo(RouterFixture.T0);
        assertThat(mesh.dlq.isEmpty()).isTrue();
    }

    @Test
    void aKeyWaitsOnlyBehindItsOwnTarget() {
        mesh.agent("b");
        mesh.send("k-1", "agent:late", "conversation-k");
        mesh.send("k-2", "agent:b", "conversation-k");
        mesh.send("k-3", "agent:late", "conversation-k");
        mesh.send("x-1", "agent:b", "conversation-x");
        assertThat(ids(mesh.inbox("b"))).as("never held behind another target's parked message")
                .containsExactly("k-2", "x-1");

        mesh.agent("late");
        mesh.advance(Duration.ofMillis(100));
        assertThat(ids(mesh.inbox("late"))).containsExactly("k-1", "k-3");

        mesh.send("k-4", "agent:late", "conversation-k");
        assertThat(ids(mesh.inbox("late"))).containsExactly("k-4");
    }

    @Test
    void aDuplicateOfAWaitingMessageIsDroppedAndADeadLetteredIdMayComeAgain() {
        mesh.send("m1", "agent:late", "k", MeshHeaders.EXT_MAX_ATTEMPTS, "2");
        mesh.send("m1", "agent:late", "k", MeshHeaders.EXT_MAX_ATTEMPTS, "2");
        mesh.advance(Duration.ofMillis(1100));
        assertThat(mesh.dlq.readRecordsToList()).hasSize(1);

        mesh.agent("late");
        mesh.send("m1", "agent:late", "k");
        assertThat(ids(mesh.inbox("late"))).containsExactly("m1");
    }

    @Test
    void expiredMessagesAreDeadLetteredAtOnceOrWhenTheirTimeComes() {
        mesh.agent("b");
        mesh.send("old", "agent:b", "k1", MeshHeaders.EXT_EXPIRES_AT, RouterFixture.T0.minusSeconds(1).toString());
        mesh.send("soon", "agent:late", "k2", MeshHeaders.EXT_EXPIRES_AT, RouterFixture.T0.plusMillis(1500).toString());
        mesh.send("bad", "agent:b", "k3", MeshHeaders.EXT_EXPIRES_AT, "tomorrow");
        mesh.advance(Duration.ofMillis(1100));
        assertThat(mesh.dlq.readRecordsToList()).hasSize(2);
        mesh.advance(Duration.ofMillis(500));   // past its expiry, long before its next check

        assertThat(mesh.dlq.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.ID) + " "
                        + header(r.headers(), MeshHeaders.DLQ_REASON))
                .containsExactly("soon EXPIRED");
        assertThat(mesh.inbox("b").isEmpty()).isTrue();
    }

    @Test
    void maxAttemptsOfOneDeadLettersWithTheDirectReason() {
        mesh.send("m1", "capability:nothing", "k", MeshHeaders.EXT_MAX_ATTEMPTS, "1");
        TestRecord<byte[], byte[]> dead = mesh.dlq.readRecord();
        assertThat(header(dead.headers(), MeshHeaders.DLQ_REASON)).isEqualTo("NO_HEALTHY_AGENT");
        assertThat(header(dead.headers(), MeshHeaders.DLQ_ATTEMPTS)).isEqualTo("1");
    }

    @Test
    void anycastSkipsUnhealthyAndExpiredAgentsButADirectMessageReachesAnyRegisteredAgent() {
        mesh.agent("s1", "ocr");
        mesh.agent("s2", "ocr");
        mesh.agentIn("s3", "default", "expired", "ocr");
        mesh.health("s1", "unhealthy");
        mesh.send("any-1", "capability:ocr", "k1");
        mesh.send("any-2", "capability:ocr", "k2");
        assertThat(ids(mesh.inbox("s2"))).containsExactly("any-1", "any-2");

        mesh.send("direct-unhealthy", "agent:s1", "k3");
        mesh.send("direct-expired", "agent:s3", "k4");

        assertThat(ids(mesh.inbox("s1"))).containsExactly("direct-unhealthy");
        assertThat(ids(mesh.inbox("s3"))).containsExactly("direct-expired");
        assertThat(eventsOf("retry_scheduled")).isEmpty();
        assertThat(mesh.dlq.isEmpty()).isTrue();
    }

    @Test
    void anAnycastTargetIsReleasedWhenAnAgentRecovers() {
        mesh.agent("s1", "ocr");
        mesh.health("s1", "unhealthy");
        mesh.send("m1", "capability:ocr", "k1");
        mesh.send("m2", "capability:ocr", "k2");
        mesh.advance(Duration.ofMillis(1100));
        assertThat(mesh.inbox("s1").isEmpty()).isTrue();

        mesh.health("s1", "healthy");
        mesh.advance(Duration.ofMillis(100));

        assertThat(ids(mesh.inbox("s1"))).containsExactly("m1", "m2");
    }

    @Test
    void aDeregisteredAgentsWaitingAndNewMessagesAreDeadLetteredSayingSo() {
        mesh.send("m1", "agent:gone", "k");
        mesh.agentIn("gone", "default", "deregistered");
        mesh.advance(Duration.ofMillis(100));
        mesh.send("m2", "agent:gone", "k2");

        assertThat(mesh.dlq.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.ID) + " "
                        + header(r.headers(), MeshHeaders.DLQ_REASON) + " " + header(r.headers(), MeshHeaders.DLQ_ERROR))
                .containsExactly("m1 UNKNOWN_TARGET agent 'gone' was deregistered",
                        "m2 UNKNOWN_TARGET agent 'gone' was deregistered");
    }

    @Test
    void aMessageMayAskForItsOwnInitialRetryDelayWhichStretchesItsWait() {
        mesh.send("m1", "agent:late", "k", MeshHeaders.EXT_RETRY_DELAY_MS, "5000", MeshHeaders.EXT_MAX_ATTEMPTS, "2");
        mesh.send("m2", "agent:late2", "k", MeshHeaders.EXT_MAX_ATTEMPTS, "2");
        mesh.advance(Duration.ofMillis(1100));
        assertThat(ids(mesh.dlq)).as("the default wait of one second").containsExactly("m2");
        mesh.advance(Duration.ofMillis(3000));
        assertThat(mesh.dlq.isEmpty()).isTrue();
        mesh.advance(Duration.ofMillis(1000));
        assertThat(ids(mesh.dlq)).containsExactly("m1");

        mesh.send("m3", "agent:gone", "k2", MeshHeaders.EXT_RETRY_DELAY_MS, "5");
        assertThat(mesh.dlq.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.DLQ_REASON))
                .containsExactly("INVALID_ENVELOPE");
    }

    @Test
    void manyWaitingMessagesCostOneCheckPerTargetAndComeOutInOrder() {
        for (int i = 0; i < 500; i++) {
            mesh.send("m" + i, "capability:later", "k" + (i % 7));
        }
        int waitingEvents = eventsOf("retry_scheduled").size();
        for (int step = 0; step < 3; step++) {
            mesh.advance(Duration.ofSeconds(3));    // checks at 1, 3 and 7 s; the messages give up at 11 s
        }
        assertThat(waitingEvents).isEqualTo(500);
        assertThat(mesh.events.readRecordsToList()).as("checks write nothing per message").isEmpty();

        mesh.agent("w", "later");
        mesh.advance(Duration.ofMillis(100));

        List<String> got = ids(mesh.inbox("w"));
        assertThat(got).hasSize(500);
        assertThat(got).isEqualTo(java.util.stream.IntStream.range(0, 500).mapToObj(i -> "m" + i).toList());
    }

    @Test
    void theStoreIsBoundedPerTarget() {
        try (RouterFixture small = new RouterFixture(new RouterPolicy(Duration.ofMinutes(10), 1024, Strategy.ROUND_ROBIN,
                BACKOFF, Duration.ofMillis(100), 3, 10))) {
            for (int i = 0; i < 5; i++) {
                small.send("m" + i, "agent:late", "k" + i);
            }
            small.send("other", "agent:late2", "k");

            assertThat(small.dlq.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.ID) + " "
                    + header(r.headers(), MeshHeaders.DLQ_REASON)).containsExactly("m3 RETRY_QUEUE_FULL", "m4 RETRY_QUEUE_FULL");
            small.agent("late");
            small.advance(Duration.ofMillis(100));
            assertThat(ids(small.inbox("late"))).containsExactly("m0", "m1", "m2");
        }
    }
}
