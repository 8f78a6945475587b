package io.agentmesh.tools.faults;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryPathTest {

    private static Attempt sent(long seq) {
        return new Attempt("a-" + seq, "a", "t", seq, Outcome.OK, "202", 0, 0);
    }

    private static Receipt got(long seq) {
        return Receipt.of("a-" + seq, "t");
    }

    @Test
    void anAtLeastOncePathMayRepeatButTheInboxTopicMayNot() {
        CheckResult repeated = Checker.check(List.of(sent(0), sent(1)), List.of(got(0), got(1), got(1)));
        assertThat(repeated.duplicates()).isEqualTo(1);
        assertThat(DeliveryPath.CONNECT.holds(repeated)).isTrue();
        assertThat(DeliveryPath.PUSH.holds(repeated)).isTrue();
        assertThat(DeliveryPath.INBOX.holds(repeated)).isFalse();
    }

    @Test
    void noPathMayLoseReorderOrMisroute() {
        CheckResult lost = Checker.check(List.of(sent(0), sent(1)), List.of(got(0)));
        CheckResult reordered = Checker.check(List.of(sent(0), sent(1)), List.of(got(1), got(0)));
        CheckResult misrouted = Checker.check(List.of(sent(0)), List.of(Receipt.of("a-0", "elsewhere")));
        for (DeliveryPath p : DeliveryPath.values()) {
            assertThat(p.holds(lost)).as(p + " lost").isFalse();
            assertThat(p.holds(reordered)).as(p + " reordered").isFalse();
            assertThat(p.holds(misrouted)).as(p + " misrouted").isFalse();
        }
    }

    @Test
    void aReceiptNamesItsSenderAndSequenceFromTheLoadsIds() {
        assertThat(Receipt.of("s12-345", "fault-sse")).extracting(Receipt::sender, Receipt::seq, Receipt::target)
                .containsExactly("s12", 345L, "fault-sse");
        assertThat(Receipt.of("no-number-x", "t").seq()).isEqualTo(-1);
    }

    @Test
    void eachRunReplacesItsOwnPartOfReliabilityMdAndKeepsTheOther(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("RELIABILITY.md");
        ReliabilityDoc.write(file, "# scenarios one\n", null);
        assertThat(Files.readString(file)).contains("# scenarios one").contains("Not run yet");
        ReliabilityDoc.write(file, null, "## Soak\n\nsoak one\n");
        assertThat(Files.readString(file)).contains("# scenarios one").contains("soak one").doesNotContain("Not run yet");
        ReliabilityDoc.write(file, "# scenarios two\n", null);
        String now = Files.readString(file);
        assertThat(now).contains("# scenarios two").contains("soak one").doesNotContain("scenarios one");
        assertThat(now.indexOf("scenarios two")).isLessThan(now.indexOf("soak one"));
    }
}
