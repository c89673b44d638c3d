package dev.logberg.pipeline.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every row of README's table "Which applications and files a run lands" that concerns the
 * application, and the attempt numbers recorded. The file rows are {@link FileSelectionTest}'s, the
 * claim states {@link HeartbeatWatchTest}'s.
 */
class DecisionPolicyTest {
  private static final String APP = "spark-0123456789abcdef0123456789abcdef";
  private static final DecisionPolicy POLICY = new DecisionPolicy(3, false, Set.of());

  private static AppStatus status(ProcessingStatus status, String fingerprint, int attempts) {
    return new AppStatus(APP, status, fingerprint, attempts, 1_000L);
  }

  @Test
  void neverSeenIsLandedWhole() {
    Decision decision = POLICY.decide(APP, "f1", null, ClaimState.NONE);
    assertThat(decision, is(Decision.PROCESS_NEW));
    assertThat(decision.allFiles(), is(true));
    assertThat(DecisionPolicy.attemptOf(decision, null), is(1));
  }

  @Test
  void successWithSameFingerprintIsSkippedBeforeClaiming() {
    AppStatus done = status(ProcessingStatus.SUCCESS, "f1", 1);
    assertThat(POLICY.decide(APP, "f1", done, ClaimState.NONE), is(Decision.SKIP_DONE));
    assertThat(POLICY.settledSkip(APP, "f1", done), is(Decision.SKIP_DONE));
  }

  @Test
  void successWithChangedFingerprintLandsItsNewFilesFromAttemptOne() {
    AppStatus previous = status(ProcessingStatus.SUCCESS, "f1", 2);
    Decision decision = POLICY.decide(APP, "f2", previous, ClaimState.NONE);
    assertThat(decision, is(Decision.PROCESS_CHANGED));
    assertThat(decision.allFiles(), is(false));
    assertThat(DecisionPolicy.attemptOf(decision, previous), is(1));
    assertThat(POLICY.settledSkip(APP, "f2", previous), is(nullValue()));
  }

  @Test
  void failedBelowMaxAttemptsIsRetriedWithTheNextAttempt() {
    AppStatus previous = status(ProcessingStatus.FAILED, "f1", 2);
    Decision decision = POLICY.decide(APP, "f1", previous, ClaimState.NONE);
    assertThat(decision, is(Decision.RETRY_FAILED));
    assertThat(decision.allFiles(), is(false));
    assertThat(DecisionPolicy.attemptOf(decision, previous), is(3));
  }

  @Test
  void failedAtMaxAttemptsIsSkippedBeforeClaiming() {
    for (int attempts : new int[] {3, 7}) {
      AppStatus failed = status(ProcessingStatus.FAILED, "f1", attempts);
      assertThat(
          POLICY.decide(APP, "f1", failed, ClaimState.NONE), is(Decision.SKIP_ATTEMPTS_EXHAUSTED));
      assertThat(POLICY.settledSkip(APP, "f1", failed), is(Decision.SKIP_ATTEMPTS_EXHAUSTED));
    }
  }

  @Test
  void claimOfALiveRunIsSkipped() {
    AppStatus claimed = status(ProcessingStatus.PROCESSING, "f1", 1);
    assertThat(POLICY.decide(APP, "f1", claimed, ClaimState.LIVE), is(Decision.SKIP_CLAIMED));
    // The side input cannot tell: the claim step decides.
    assertThat(POLICY.settledSkip(APP, "f1", claimed), is(nullValue()));
  }

  @Test
  void lapsedClaimIsTakenOverAsTheNextAttempt() {
    AppStatus previous = status(ProcessingStatus.PROCESSING, "f1", 1);
    Decision decision = POLICY.decide(APP, "f1", previous, ClaimState.LAPSED);
    assertThat(decision, is(Decision.TAKE_OVER_LAPSED));
    assertThat(decision.allFiles(), is(false));
    assertThat(DecisionPolicy.attemptOf(decision, previous), is(2));
  }

  @Test
  void ownClaimIsResumedWithTheSameAttempt() {
    AppStatus previous = status(ProcessingStatus.PROCESSING, "f1", 2);
    Decision decision = POLICY.decide(APP, "f1", previous, ClaimState.OWN);
    assertThat(decision, is(Decision.RESUME_OWN_CLAIM));
    assertThat(DecisionPolicy.attemptOf(decision, previous), is(2));
  }

  @Test
  void anUndecidedClaimCannotBeDecided() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                POLICY.decide(
                    APP, "f1", status(ProcessingStatus.PROCESSING, "f1", 1), ClaimState.UNDECIDED));
    assertThat(e.getMessage(), containsString(APP));
  }

  @Test
  void continuingARunWithoutItsStatusIsRejected() {
    for (Decision decision :
        new Decision[] {
          Decision.RETRY_FAILED, Decision.TAKE_OVER_LAPSED, Decision.RESUME_OWN_CLAIM
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> DecisionPolicy.attemptOf(decision, null));
      assertThat(e.getMessage(), containsString(decision.name()));
    }
  }

  @Test
  void reprocessLandsEverythingWhateverTheStatusButNeverALiveRunsClaim() {
    DecisionPolicy named = new DecisionPolicy(3, false, Set.of(APP));
    DecisionPolicy all = new DecisionPolicy(3, true, Set.of());
    for (AppStatus previous :
        new AppStatus[] {
          status(ProcessingStatus.SUCCESS, "f1", 1),
          status(ProcessingStatus.FAILED, "f1", 9),
          status(ProcessingStatus.PROCESSING, "f1", 1)
        }) {
      ClaimState claim =
          previous.status() == ProcessingStatus.PROCESSING ? ClaimState.LAPSED : ClaimState.NONE;
      assertThat(named.decide(APP, "f1", previous, claim), is(Decision.PROCESS_FORCED));
      assertThat(all.decide(APP, "f1", previous, claim), is(Decision.PROCESS_FORCED));
      assertThat(named.settledSkip(APP, "f1", previous), is(nullValue()));
      assertThat(DecisionPolicy.attemptOf(Decision.PROCESS_FORCED, previous), is(1));
    }
    assertThat(Decision.PROCESS_FORCED.allFiles(), is(true));
    AppStatus claimed = status(ProcessingStatus.PROCESSING, "f1", 1);
    assertThat(named.decide(APP, "f1", claimed, ClaimState.LIVE), is(Decision.SKIP_CLAIMED));
    assertThat(
        named.decide(
            "spark-other", "f1", status(ProcessingStatus.SUCCESS, "f1", 1), ClaimState.NONE),
        is(Decision.SKIP_DONE));
  }

  @Test
  void skipsAreNotProcessedAndProcessingDecisionsAre() {
    for (Decision d : Decision.values()) {
      assertThat(d.name(), d.process(), is(!d.name().startsWith("SKIP")));
    }
  }

  @Test
  void maxApplicationsTakesTheFirstApplicationsWithWorkInIdOrder() {
    DecisionPolicy capped = new DecisionPolicy(3, false, Set.of(), 2, 0);
    assertThat(
        capped.slice(List.of("spark-c", "spark-a", "spark-d", "spark-b"), id -> id, id -> 1),
        is(List.of("spark-a", "spark-b")));
    assertThat(
        POLICY.slice(List.of("spark-c", "spark-a", "spark-d"), id -> id, id -> 1),
        is(List.of("spark-c", "spark-a", "spark-d")));
  }

  @Test
  void maxBytesTakesApplicationsInIdOrderUntilTheNextWouldPassTheLimit() {
    Map<String, Long> bytes = Map.of("spark-a", 40L, "spark-b", 50L, "spark-c", 30L);
    List<String> withWork = List.of("spark-c", "spark-b", "spark-a");
    assertThat(
        new DecisionPolicy(3, false, Set.of(), 0, 100).slice(withWork, id -> id, bytes::get),
        is(List.of("spark-a", "spark-b")));
    // At least one application, however large: a slice always makes progress.
    assertThat(
        new DecisionPolicy(3, false, Set.of(), 0, 10).slice(withWork, id -> id, bytes::get),
        is(List.of("spark-a")));
    // Both limits: the first reached.
    assertThat(
        new DecisionPolicy(3, false, Set.of(), 1, 100).slice(withWork, id -> id, bytes::get),
        is(List.of("spark-a")));
  }
}
