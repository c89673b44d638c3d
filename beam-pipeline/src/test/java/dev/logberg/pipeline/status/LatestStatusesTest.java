package dev.logberg.pipeline.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

class LatestStatusesTest {
  private static AppStatus at(ProcessingStatus status, long micros) {
    return new AppStatus("spark-a", status, "f", 1, micros);
  }

  @Test
  void laterRowWins() {
    assertThat(
        LatestStatuses.later(at(ProcessingStatus.SUCCESS, 5), at(ProcessingStatus.PROCESSING, 9))
            .status(),
        is(ProcessingStatus.PROCESSING));
    assertThat(
        LatestStatuses.later(at(ProcessingStatus.PROCESSING, 9), at(ProcessingStatus.FAILED, 5))
            .status(),
        is(ProcessingStatus.PROCESSING));
  }

  @Test
  void atTheSameInstantAFinishedStatusBeatsProcessing() {
    assertThat(
        LatestStatuses.later(at(ProcessingStatus.PROCESSING, 5), at(ProcessingStatus.SUCCESS, 5))
            .status(),
        is(ProcessingStatus.SUCCESS));
    assertThat(
        LatestStatuses.later(at(ProcessingStatus.FAILED, 5), at(ProcessingStatus.PROCESSING, 5))
            .status(),
        is(ProcessingStatus.FAILED));
  }
}
