package dev.logberg.pipeline.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.report.Progress.Stage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {
  /** Three folders found, two claimed with 4 files of 4 MB. */
  private static RunMetrics claimedAnd(Object... nameValue) {
    Map<String, Long> map = new HashMap<>();
    map.put(Counters.FOLDERS_FOUND, 3L);
    map.put(Counters.FOLDERS_TO_PROCESS, 2L);
    map.put(Counters.CLAIMS_COMMITTED, 1L);
    map.put(Counters.FILES_PLANNED, 4L);
    map.put(Counters.BYTES_PLANNED, 4_000_000L);
    for (int i = 0; i < nameValue.length; i += 2) {
      map.put((String) nameValue[i], ((Number) nameValue[i + 1]).longValue());
    }
    return new RunMetrics(map);
  }

  @Test
  void stageFollowsTheCounters() {
    assertThat(Stage.of(new RunMetrics(Map.of())), is(Stage.DISCOVERING));
    assertThat(Stage.of(new RunMetrics(Map.of(Counters.FOLDERS_FOUND, 3L))), is(Stage.CLAIMING));
    assertThat(Stage.of(claimedAnd(Counters.FILES_READ, 3)), is(Stage.READING));
    // Every file read, but parsing is behind: still reading.
    assertThat(
        Stage.of(
            claimedAnd(Counters.FILES_READ, 4, Counters.LINES_READ, 10, Counters.ROWS_PARSED, 9)),
        is(Stage.READING));
    RunMetrics parsed =
        claimedAnd(
            Counters.FILES_READ, 3,
            Counters.FILES_FAILED, 1,
            Counters.LINES_READ, 10,
            Counters.ROWS_PARSED, 7,
            Counters.LINES_REJECTED, 2,
            Counters.LINES_BLANK, 1);
    assertThat(Stage.of(parsed), is(Stage.PUBLISHING));
    assertThat(
        Stage.of(claimedAnd(Counters.FILES_READ, 4, Counters.APPS_RECORDING, 2)),
        is(Stage.RECORDING));
  }

  @Test
  void percentIsOfBytesReadAndLinesParsed() {
    assertThat(Progress.percentDone(new RunMetrics(Map.of())), is(0));
    RunMetrics half =
        claimedAnd(
            Counters.BYTES_READ, 2_000_000, Counters.LINES_READ, 100, Counters.ROWS_PARSED, 100);
    assertThat(Progress.percentDone(half), is(50));
    RunMetrics readAheadOfParse =
        claimedAnd(
            Counters.BYTES_READ, 4_000_000, Counters.LINES_READ, 100, Counters.ROWS_PARSED, 25);
    assertThat(Progress.percentDone(readAheadOfParse), is(25));
  }

  @Test
  void lineSaysStageCountsAndRate() {
    RunMetrics before = claimedAnd(Counters.ROWS_PARSED, 1_000);
    RunMetrics now =
        claimedAnd(
            Counters.FILES_READ, 2,
            Counters.BYTES_READ, 1_000_000,
            Counters.LINES_READ, 3_000,
            Counters.ROWS_PARSED, 2_988,
            Counters.LINES_REJECTED, 12,
            Counters.APPS_SUCCEEDED, 1);
    assertThat(
        Progress.line(now, before, 2.0),
        is(
            "progress: reading | apps 1 of 2 done | files 2 of 4, 1.0 of 4.0 MB (25%) | lines 3,000"
                + " | rows 2,988 | rejects 12 | 994 rows/s"));
  }

  @Test
  void aTerminalGetsOneLineRewrittenInPlaceOtherwiseALineEach() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress terminal = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
    terminal.report(claimedAnd(Counters.FILES_READ, 1));
    terminal.report(claimedAnd(Counters.FILES_READ, 2));
    terminal.finish();
    String shown = bytes.toString(StandardCharsets.UTF_8);
    assertThat(shown, startsWith("\rprogress: reading"));
    assertThat(shown.chars().filter(c -> c == '\r').count(), is(2L));
    assertThat(shown.chars().filter(c -> c == '\n').count(), is(1L));
    assertThat(shown, containsString("files 2 of 4"));

    bytes.reset();
    Progress log = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    log.report(claimedAnd(Counters.FILES_READ, 1));
    log.report(claimedAnd(Counters.FILES_READ, 2));
    log.finish();
    shown = bytes.toString(StandardCharsets.UTF_8);
    assertThat(shown.chars().filter(c -> c == '\r').count(), is(0L));
    assertThat(shown.lines().count(), is(2L));
  }
}
