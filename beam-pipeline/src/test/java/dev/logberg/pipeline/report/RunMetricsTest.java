package dev.logberg.pipeline.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RunMetricsTest {
  /** Live progress shows, counter by counter, the furthest any source has seen. */
  @Test
  void largerTakesEachCounterFromTheSourceThatCountedMost() {
    RunMetrics merged =
        RunMetrics.larger(
            Map.of("files_read", 3L, "rows_parsed", 100L),
            Map.of("files_read", 5L),
            Map.of("rows_parsed", 40L, "apps_succeeded", 1L));
    assertThat(
        merged.counters(), is(Map.of("files_read", 5L, "rows_parsed", 100L, "apps_succeeded", 1L)));
  }
}
