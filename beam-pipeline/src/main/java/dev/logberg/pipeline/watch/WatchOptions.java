package dev.logberg.pipeline.watch;

import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.pipeline.Param;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * The cadence of {@code watch}, declared once like every option (help, format, example); what each
 * run lands and where are {@link LogbergOptions}'.
 */
public interface WatchOptions extends LogbergOptions {
  @Param(regex = "[1-9][0-9]{0,4}", mismatch = "'%s' is not 1 to 99999 seconds", example = "15")
  @Description(
      "Seconds from the start of one run of watch to the start of the next: each table gets at most"
          + " one publication in that time, and a new file is queryable after at most about this"
          + " plus one run's own time.")
  @Default.Integer(30)
  int getCommitEverySeconds();

  void setCommitEverySeconds(int value);

  @Param(regex = "[0-9]{1,5}", mismatch = "'%s' is not 0 to 99999 minutes", example = "120")
  @Description(
      "Minutes between the upkeep that watch runs between two runs (compaction where due, snapshot"
          + " expiry, orphan files; docs/UPKEEP.md); 0 for none, when upkeep is scheduled beside it.")
  @Default.Integer(60)
  int getUpkeepEveryMinutes();

  void setUpkeepEveryMinutes(int value);
}
