package io.agentmesh.tools.faults;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckerTest {

    private static Attempt sent(String sender, long seq, Outcome outcome) {
        return new Attempt(sender + "-" + seq, sender, "t", seq, outcome, outcome.name(), 0, 0);
    }

    private static Receipt got(String sender, long seq) {
        return new Receipt(sender + "-" + seq, "t", sender, seq);
    }

    @Test
    void everyAcknowledgedMessageReceivedOnceInOrderHoldsThePromise() {
        CheckResult r = Checker.check(List.of(sent("a", 0, Outcome.OK), sent("a", 1, Outcome.OK), sent("b", 0, Outcome.OK)),
                List.of(got("b", 0), got("a", 0), got("a", 1)));
        assertThat(r.promiseHolds()).isTrue();
        assertThat(r.ok()).isEqualTo(3);
        assertThat(r.received()).isEqualTo(3);
        assertThat(r.lost() + r.phantom() + r.duplicates() + r.orderViolations()).isZero();
    }

    @Test
    void aMessageFoundInAnotherInboxThanItsTargetsIsMisrouted() {
        CheckResult r = Checker.check(List.of(sent("a", 0, Outcome.OK), sent("a", 1, Outcome.OK)),
                List.of(got("a", 0), new Receipt("a-1", "someone-else", "a", 1)));
        assertThat(r.misrouted()).isEqualTo(1);
        assertThat(r.misroutedExamples()).containsExactly("a-1 to t found in someone-else");
        assertThat(r.lost()).isZero();
        assertThat(r.promiseHolds()).isFalse();
        assertThat(r.summary()).contains("misrouted 1");
    }

    @Test
    void anAcknowledgedMessageNeverReceivedIsLost() {
        CheckResult r = Checker.check(List.of(sent("a", 0, Outcome.OK), sent("a", 1, Outcome.OK)), List.of(got("a", 0)));
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.lostExamples()).containsExactly("a-1");
        assertThat(r.promiseHolds()).isFalse();
    }

    @Test
    void aRefusedMessageThatArrivesIsAPhantom() {
        CheckResult r = Checker.check(List.of(sent("a", 0, Outcome.FAILED)), List.of(got("a", 0)));
        assertThat(r.phantom()).isEqualTo(1);
        assertThat(r.promiseHolds()).isFalse();
    }

    @Test
    void unknownOutcomesMayArriveOrNot() {
        CheckResult r = Checker.check(List.of(sent("a", 0, Outcome.UNKNOWN), sent("a", 1, Outcome.UNKNOWN)),
                List.of(got("a", 1)));
        assertThat(r.unknownArrived()).isEqualTo(1);
        assertThat(r.unseen()).isEqualTo(1);
        assertThat(r.promiseHolds()).isTrue();
    }

    @Test
    void aSecondCopyIsADuplicateAndNotAnOrderViolation() {
        CheckResult r = Checker.check(List.of(sent("a", 0, Outcome.OK), sent("a", 1, Outcome.OK)),
                List.of(got("a", 0), got("a", 1), got("a", 0)));
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.duplicateExamples()).containsExactly("a-0");
        assertThat(r.orderViolations()).isZero();
        assertThat(r.promiseHolds()).isFalse();
    }

    @Test
    void orderIsJudgedPerSenderAndTarget() {
        CheckResult r = Checker.check(List.of(sent("a", 0, Outcome.OK), sent("a", 1, Outcome.OK),
                        sent("a", 2, Outcome.OK), sent("b", 0, Outcome.OK), sent("b", 5, Outcome.OK)),
                // b's records interleave with a's: fine; a-0 after a-2 is a violation
                List.of(got("b", 0), got("a", 1), got("a", 2), got("b", 5), got("a", 0)));
        assertThat(r.orderViolations()).isEqualTo(1);
        assertThat(r.orderExamples()).containsExactly("a-0 after seq 2");
    }

    @Test
    void idsThatWereNeverSentAreUnexpected() {
        CheckResult r = Checker.check(List.of(sent("a", 0, Outcome.OK)), List.of(got("a", 0), got("z", 9)));
        assertThat(r.unexpected()).isEqualTo(1);
        assertThat(r.promiseHolds()).isFalse();
    }

    @Test
    void aLedgerUsingOneIdForTwoMessagesIsRefused() {
        Attempt other = new Attempt("a-0", "a", "t", 7, Outcome.OK, "202", 0, 0);
        assertThatThrownBy(() -> Checker.check(List.of(sent("a", 0, Outcome.OK), other), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a-0");
    }

    @Test
    void aResentMessageIsOneMessageTakenIfAnyTryWasAndMustArriveOnce() {
        // unknown, then resent and taken: it must arrive, once
        List<Attempt> tries = List.of(sent("a", 0, Outcome.UNKNOWN), sent("a", 0, Outcome.OK),
                sent("a", 1, Outcome.UNKNOWN), sent("a", 1, Outcome.UNKNOWN), sent("a", 2, Outcome.FAILED),
                sent("a", 2, Outcome.FAILED));
        CheckResult once = Checker.check(tries, List.of(got("a", 0), got("a", 1)));
        assertThat(once.attempts()).isEqualTo(3);
        assertThat(once.resends()).isEqualTo(3);
        assertThat(once.ok()).isEqualTo(1);
        assertThat(once.unknown()).isEqualTo(1);
        assertThat(once.failed()).isEqualTo(1);
        assertThat(once.promiseHolds()).isTrue();

        // both tries of a-0 landed: a duplicate
        CheckResult twice = Checker.check(tries, List.of(got("a", 0), got("a", 0)));
        assertThat(twice.duplicates()).isEqualTo(1);
        assertThat(twice.promiseHolds()).isFalse();
        // refused each time, yet it arrived: a phantom
        assertThat(Checker.check(tries, List.of(got("a", 0), got("a", 2))).phantom()).isEqualTo(1);
    }
}
