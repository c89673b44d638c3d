package dev.logberg.pipeline.query;

import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.pipeline.Param;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * The filters of {@code logs <application id>}, declared once like every option (help, format,
 * example); the catalog and table options are {@link LogbergOptions}'. Not template parameters:
 * {@code logs} is a command a person types.
 */
public interface LogsOptions extends LogbergOptions {
  @Param(example = "spark-pi-driver", launchable = false)
  @Description("Only this pod's lines.")
  String getPod();

  void setPod(String value);

  @Param(
      regex = "(?i)TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL",
      mismatch = "unknown level '%s'; use TRACE, DEBUG, INFO, WARN, ERROR or FATAL",
      example = "WARN",
      launchable = false)
  @Description("Only lines of this level or a more severe one (WARN shows WARN, ERROR and FATAL).")
  String getLevel();

  void setLevel(String value);

  @Param(
      regex = TimeBound.FORMAT,
      mismatch = TimeBound.MISMATCH,
      example = "2h",
      launchable = false)
  @Description(
      "Only lines at or after this time: an instant (2025-01-15T10:00:00Z), a UTC date (2025-01-15), or a"
          + " duration before now (90s, 30m, 2h, 7d).")
  String getSince();

  void setSince(String value);

  @Param(
      regex = TimeBound.FORMAT,
      mismatch = TimeBound.MISMATCH,
      example = "2025-01-16",
      launchable = false)
  @Description("Only lines before this time; the same forms as --since.")
  String getUntil();

  void setUntil(String value);

  @Param(example = "OutOfMemoryError", launchable = false)
  @Description("Only lines whose message contains this text (case-sensitive).")
  String getGrep();

  void setGrep(String value);

  @Param(
      regex = "(?i)text|json",
      mismatch = "unknown format '%s'; use text or json",
      example = "json",
      launchable = false)
  @Description(
      "text: time, level, pod and message per line; json: one JSON object per line with every column.")
  @Default.String("text")
  String getFormat();

  void setFormat(String value);
}
