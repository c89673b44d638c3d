package dev.logberg.pipeline.watch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FreshnessTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  private static Freshness.Run landed(int startSecond, long files, long rows, int waitedSeconds) {
    Instant started = T0.plusSeconds(startSecond);
    return new Freshness.Run(
        started, started.plusSeconds(4), files, rows, started.minusSeconds(waitedSeconds), 0);
  }

  private static Freshness.Run idle(int startSecond) {
    Instant started = T0.plusSeconds(startSecond);
    return new Freshness.Run(started, started.plusSeconds(2), 0, 0, null, 0);
  }

  @Test
  void aRunSaysWhatWaitedWhatItLandedHowFreshTheRateAndTheLastPublication() {
    Freshness freshness = new Freshness(T0);
    assertThat(
        freshness.record(landed(0, 3, 1_200, 37)),
        is(
            "10:00:04 3 files waiting: landed 1,200 rows in 4.0 s, the oldest file 41 s after it"
                + " appeared; 18,000 rows/min over the last 1 min; last publication 10:00:04 (0 s ago)"));
    assertThat(
        freshness.record(idle(30)),
        is(
            "10:00:32 no file waiting (2.0 s); 2,250 rows/min over the last 1 min;"
                + " last publication 10:00:04 (28 s ago)"));
  }

  @Test
  void theRateCoversTheLastTenMinutesOnly() {
    Freshness freshness = new Freshness(T0);
    freshness.record(landed(0, 1, 6_000, 5));
    // Twenty minutes later the first run's rows have left the window.
    String line = freshness.record(landed(1_200, 1, 1_000, 5));
    assertThat(line.contains(" 100 rows/min over the last 10 min"), is(true));
  }

  @Test
  void aFailedRunSaysSoAndIsNoPublication() {
    Freshness freshness = new Freshness(T0);
    Instant started = T0.plusSeconds(10);
    assertThat(
        freshness.record(new Freshness.Run(started, started.plusSeconds(3), 0, 0, null, 1)),
        is(
            "10:00:13 run ended with exit code 1; 0 rows/min over the last 1 min;"
                + " last publication none yet"));
  }
}
