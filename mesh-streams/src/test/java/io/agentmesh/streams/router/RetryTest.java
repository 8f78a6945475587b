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

/** Retries with exponential backoff (wall-clock punctuation), expiry, and per-key order across retries. */
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
    void backoffScheduleIsOneTwoFourFourSecondsThenTheDlq() {
        assertThat(List.of(1, 2, 3, 4, 5)).extracting(n -> BACKOFF.delayAfter(n).toSeconds()).containsExactly(1L, 2L, 4L, 4L, 4L);

        mesh.send("m1", "agent:late", "k");
        // attempt 1 failed at t=0; attempts 2..5 fall due at 1, 3, 7, 11 s
        mesh.advance(Duration.ofMillis(900));
        assertThat(mesh.dlq.isEmpty()).isTrue();
        mesh.advance(Duration.ofMillis(200));   // t=1.1 s: attempt 2
        mesh.advance(Duration.ofSeconds(2));    // t=3.1 s: attempt 3
        mesh.advance(Duration.ofSeconds(4));    // t=7.1 s: attempt 4
        assertThat(mesh.dlq.isEmpty()).isTrue();
        mesh.advance(Duration.ofSeconds(4));    // t=11.1 s: attempt 5 -> dead letter

        TestRecord<byte[], byte[]> dead = mesh.dlq.readRecord();
        assertThat(header(dead.headers(), MeshHeaders.DLQ_REASON)).isEqualTo("MAX_ATTEMPTS");
        assertThat(header(dead.headers(), MeshHeaders.DLQ_CAUSE)).isEqualTo("UNKNOWN_TARGET");
        assertThat(header(dead.headers(), MeshHeaders.DLQ_ATTEMPTS)).isEqualTo("5");
        assertThat(header(dead.headers(), MeshHeaders.DLQ_FIRST_FAILURE)).isEqualTo(RouterFixture.T0.toString());
        assertThat(header(dead.headers(), MeshHeaders.DLQ_LAST_FAILURE)).isEqualTo(RouterFixture.T0.plusMillis(11_100).toString());
        assertThat(header(dead.headers(), MeshHeaders.ID)).isEqualTo("m1");
        assertThat(eventsOf("retry_scheduled")).hasSize(4);
    }

    @Test
    void aTargetThatAppearsInTimeGetsTheMessageWithItsAttemptNumber() {
        mesh.send("m1", "agent:late", "k");
        mesh.advance(Duration.ofMillis(1100));  // attempt 2 fails, next at 3.1 s
        mesh.agent("late");
        mesh.advance(Duration.ofMillis(1000));  // not due yet
        assertThat(mesh.inbox("late").isEmpty()).isTrue();
        mesh.advance(Duration.ofMillis(1100));  // attempt 3 delivers

        TestRecord<byte[], byte[]> got = mesh.inbox("late").readRecord();
        assertThat(header(got.headers(), MeshHeaders.ID)).isEqualTo("m1");
        assertThat(header(got.headers(), MeshHeaders.ATTEMPT)).isEqualTo("3");
        assertThat(got.getRecordTime()).isEqualTo(RouterFixture.T0);
        assertThat(mesh.dlq.isEmpty()).isTrue();
    }

    @Test
    void laterMessagesOfAKeyWaitBehindARetryOthersDoNot() {
        mesh.agent("b");
        mesh.send("k-1", "agent:late", "conversation-k");
        mesh.send("k-2", "agent:b", "conversation-k");
        mesh.send("k-3", "agent:late", "conversation-k");
        mesh.send("x-1", "agent:b", "conversation-x");
        assertThat(ids(mesh.inbox("b"))).containsExactly("x-1");

        mesh.agent("late");
        mesh.advance(Duration.ofMillis(1100));
        assertThat(ids(mesh.inbox("late"))).containsExactly("k-1", "k-3");
        assertThat(ids(mesh.inbox("b"))).containsExactly("k-2");

        mesh.send("k-4", "agent:b", "conversation-k");
        assertThat(ids(mesh.inbox("b"))).containsExactly("k-4");
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
    void expiredMessagesAreDeadLetteredAtOnceOrWhenTheirTurnComes() {
        mesh.agent("b");
        mesh.send("old", "agent:b", "k1", MeshHeaders.EXT_EXPIRES_AT, RouterFixture.T0.minusSeconds(1).toString());
        mesh.send("soon", "agent:late", "k2", MeshHeaders.EXT_EXPIRES_AT, RouterFixture.T0.plusMillis(1500).toString());
        mesh.send("bad", "agent:b", "k3", MeshHeaders.EXT_EXPIRES_AT, "tomorrow");
        mesh.advance(Duration.ofMillis(1100));  // attempt 2 of "soon" fails, next at 3.1 s
        mesh.advance(Duration.ofSeconds(2));    // past its expiry

        assertThat(mesh.dlq.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.ID) + " "
                        + header(r.headers(), MeshHeaders.DLQ_REASON))
                .containsExactly("old EXPIRED", "bad INVALID_ENVELOPE", "soon EXPIRED");
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
    void unhealthyAgentsAreSkippedAndADirectMessageWaitsUntilItsAgentRecovers() {
        mesh.agent("s1", "ocr");
        mesh.agent("s2", "ocr");
        mesh.health("s1", "unhealthy");
        mesh.send("any-1", "capability:ocr", "k1");
        mesh.send("any-2", "capability:ocr", "k2");
        assertThat(ids(mesh.inbox("s2"))).containsExactly("any-1", "any-2");
        assertThat(mesh.inbox("s1").isEmpty()).isTrue();

        mesh.send("direct", "agent:s1", "k3");
        assertThat(mesh.inbox("s1").isEmpty()).isTrue();
        assertThat(eventsOf("retry_scheduled")).anySatisfy(e -> assertThat(e).contains("NO_HEALTHY_AGENT", "is unhealthy"));
        mesh.health("s1", "healthy");
        mesh.advance(Duration.ofMillis(1100));
        assertThat(ids(mesh.inbox("s1"))).containsExactly("direct");
    }

    @Test
    void aMessageMayAskForItsOwnInitialRetryDelay() {
        mesh.send("m1", "agent:late", "k", MeshHeaders.EXT_RETRY_DELAY_MS, "5000");
        mesh.agent("late");
        mesh.advance(Duration.ofMillis(4000));
        assertThat(mesh.inbox("late").isEmpty()).isTrue();
        mesh.advance(Duration.ofMillis(1100));
        assertThat(ids(mesh.inbox("late"))).containsExactly("m1");
        mesh.send("m2", "agent:gone", "k2", MeshHeaders.EXT_RETRY_DELAY_MS, "5");
        assertThat(mesh.dlq.readRecordsToList()).extracting(r -> header(r.headers(), MeshHeaders.DLQ_REASON))
                .containsExactly("INVALID_ENVELOPE");
    }
}
