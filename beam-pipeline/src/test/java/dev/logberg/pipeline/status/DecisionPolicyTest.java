package dev.logberg.pipeline.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every row of the table in docs/ARCHITECTURE.md, "Which folders a run takes", and the attempt
 * numbers recorded.
 */
class DecisionPolicyTest {
  private static final String APP = "spark-0123456789abcdef0123456789abcdef";
  private static final long NOW = TimeUnit.DAYS.toMicros(20_000);
  private static final long LEASE = TimeUnit.HOURS.toMicros(2);
  private static final DecisionPolicy POLICY = new DecisionPolicy(3, LEASE, false, Set.of());

  private static AppStatus status(
      ProcessingStatus status, String fingerprint, int attempts, long updatedAt) {
    return new AppStatus(APP, status, fingerprint, attempts, updatedAt);
  }

  @Test
  void neverSeenIsProcessed() {
    assertThat(POLICY.decide(APP, "f1", null, NOW), is(Decision.PROCESS_NEW));
    assertThat(DecisionPolicy.attemptOf(Decision.PROCESS_NEW, null), is(1));
  }

  @Test
  void successWithSameFingerprintIsSkipped() {
    assertThat(
        POLICY.decide(APP, "f1", status(ProcessingStatus.SUCCESS, "f1", 1, NOW - 10), NOW),
        is(Decision.SKIP_DONE));
  }

  @Test
  void successWithChangedFingerprintIsProcessedAgainFromAttemptOne() {
    AppStatus previous = status(ProcessingStatus.SUCCESS, "f1", 2, NOW - 10);
    Decision decision = POLICY.decide(APP, "f2", previous, NOW);
    assertThat(decision, is(Decision.PROCESS_CHANGED));
    assertThat(DecisionPolicy.attemptOf(decision, previous), is(1));
  }

  @Test
  void failedBelowMaxAttemptsIsRetriedWithTheNextAttempt() {
    AppStatus previous = status(ProcessingStatus.FAILED, "f1", 2, NOW - 10);
    Decision decision = POLICY.decide(APP, "f1", previous, NOW);
    assertThat(decision, is(Decision.RETRY_FAILED));
    assertThat(DecisionPolicy.attemptOf(decision, previous), is(3));
  }

  @Test
  void failedAtMaxAttemptsIsSkipped() {
    assertThat(
        POLICY.decide(APP, "f1", status(ProcessingStatus.FAILED, "f1", 3, NOW - 10), NOW),
        is(Decision.SKIP_ATTEMPTS_EXHAUSTED));
    assertThat(
        POLICY.decide(APP, "f1", status(ProcessingStatus.FAILED, "f1", 7, NOW - 10), NOW),
        is(Decision.SKIP_ATTEMPTS_EXHAUSTED));
  }

  @Test
  void processingOlderThanTheLeaseIsTakenOver() {
    AppStatus previous = status(ProcessingStatus.PROCESSING, "f1", 1, NOW - LEASE - 1);
    Decision decision = POLICY.decide(APP, "f1", previous, NOW);
    assertThat(decision, is(Decision.TAKE_OVER_EXPIRED));
    assertThat(DecisionPolicy.attemptOf(decision, previous), is(2));
  }

  @Test
  void continuingARunWithoutItsStatusIsRejected() {
    for (Decision decision : new Decision[] {Decision.RETRY_FAILED, Decision.TAKE_OVER_EXPIRED}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> DecisionPolicy.attemptOf(decision, null));
      assertThat(e.getMessage(), containsString(decision.name()));
    }
  }

  @Test
  void freshProcessingIsSkipped() {
    assertThat(
        POLICY.decide(APP, "f1", status(ProcessingStatus.PROCESSING, "f1", 1, NOW - LEASE), NOW),
        is(Decision.SKIP_IN_PROGRESS));
  }

  @Test
  void reprocessOverridesEveryStatus() {
    DecisionPolicy named = new DecisionPolicy(3, LEASE, false, Set.of(APP));
    DecisionPolicy all = new DecisionPolicy(3, LEASE, true, Set.of());
    for (AppStatus previous :
        new AppStatus[] {
          status(ProcessingStatus.SUCCESS, "f1", 1, NOW),
          status(ProcessingStatus.FAILED, "f1", 9, NOW),
          status(ProcessingStatus.PROCESSING, "f1", 1, NOW)
        }) {
      assertThat(named.decide(APP, "f1", previous, NOW), is(Decision.PROCESS_FORCED));
      assertThat(all.decide(APP, "f1", previous, NOW), is(Decision.PROCESS_FORCED));
      assertThat(DecisionPolicy.attemptOf(Decision.PROCESS_FORCED, previous), is(1));
    }
    assertThat(
        named.decide("spark-other", "f1", status(ProcessingStatus.SUCCESS, "f1", 1, NOW), NOW),
        is(Decision.SKIP_DONE));
  }

  @Test
  void skipsAreNotProcessedAndProcessingDecisionsAre() {
    for (Decision d : Decision.values()) {
      assertThat(d.name(), d.process(), is(!d.name().startsWith("SKIP")));
    }
  }
}
