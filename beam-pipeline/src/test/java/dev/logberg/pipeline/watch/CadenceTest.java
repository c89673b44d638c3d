package dev.logberg.pipeline.watch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CadenceTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void aRunStartsAnIntervalAfterTheLastStartOrAtOnceWhenThatRunTookLonger() {
    Cadence cadence = new Cadence(Duration.ofSeconds(30), Duration.ZERO, T0);
    // A run of 4 s: the next starts 30 s after the last start, not 30 s after its end.
    assertThat(cadence.nextRun(T0, T0.plusSeconds(4)), is(T0.plusSeconds(30)));
    // A run of 45 s: the next starts at once; publications stay at most one per interval.
    assertThat(cadence.nextRun(T0, T0.plusSeconds(45)), is(T0.plusSeconds(45)));
  }

  @Test
  void upkeepIsDueOnceEveryIntervalCountedFromTheLastUpkeep() {
    Cadence cadence = new Cadence(Duration.ofSeconds(30), Duration.ofMinutes(60), T0);
    assertThat(cadence.upkeepDue(T0.plusSeconds(30)), is(false));
    assertThat(cadence.upkeepDue(T0.plus(Duration.ofMinutes(61))), is(true));
    assertThat(cadence.upkeepDue(T0.plus(Duration.ofMinutes(62))), is(false));
    assertThat(cadence.upkeepDue(T0.plus(Duration.ofMinutes(121))), is(true));
  }

  @Test
  void noUpkeepWhenItsIntervalIsZero() {
    Cadence cadence = new Cadence(Duration.ofSeconds(30), Duration.ZERO, T0);
    assertThat(cadence.upkeepDue(T0.plus(Duration.ofDays(365))), is(false));
  }
}
