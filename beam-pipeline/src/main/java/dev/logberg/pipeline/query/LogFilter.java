package dev.logberg.pipeline.query;

import static dev.logberg.pipeline.tables.SparkLogsTable.LOG_LEVEL;
import static dev.logberg.pipeline.tables.SparkLogsTable.MESSAGE;
import static dev.logberg.pipeline.tables.SparkLogsTable.POD_NAME;
import static dev.logberg.pipeline.tables.SparkLogsTable.SPARK_APP_SELECTOR;

import java.time.Instant;
import java.util.Objects;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.util.DateTimeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What {@code logs} asks for: one application's lines, narrowed by pod, least severity, a time
 * range ({@code since} inclusive, {@code until} exclusive) and a text the message contains.
 *
 * <p>Everything but the text is pushed into Iceberg's scan planning, where partition values, file
 * bounds and Parquet row-group statistics skip what cannot match; the text is a residual: no
 * statistic can tell whether a message contains it.
 */
public record LogFilter(
    String application,
    @Nullable String pod,
    @Nullable Severity minLevel,
    @Nullable Instant since,
    @Nullable Instant until,
    @Nullable String grep) {

  public LogFilter {
    Objects.requireNonNull(application, "application");
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException(
          "--since (" + since + ") must be before --until (" + until + ")");
    }
  }

  public static LogFilter application(String application) {
    return new LogFilter(application, null, null, null, null, null);
  }

  /**
   * The filter {@code logs} options describe; ages ({@code --since=2h}) count back from {@code
   * now}.
   *
   * @throws IllegalArgumentException for a level, time or range that cannot be
   */
  public static LogFilter of(String application, LogsOptions options, Instant now) {
    return new LogFilter(
        application,
        options.getPod(),
        options.getLevel() == null ? null : Severity.parse(options.getLevel()),
        options.getSince() == null ? null : TimeBound.parse(options.getSince(), now),
        options.getUntil() == null ? null : TimeBound.parse(options.getUntil(), now),
        options.getGrep());
  }

  /** The filter Iceberg plans and reads with. */
  public Expression pushedDown() {
    Expression filter = Expressions.equal(SPARK_APP_SELECTOR, application);
    if (pod != null) {
      filter = Expressions.and(filter, Expressions.equal(POD_NAME, pod));
    }
    if (minLevel != null) {
      filter = Expressions.and(filter, Expressions.in(LOG_LEVEL, minLevel.andAbove().toArray()));
    }
    return Expressions.and(
        filter,
        new LogLines.Window(
                since == null ? Long.MIN_VALUE : DateTimeUtil.microsFromInstant(since),
                until == null ? Long.MAX_VALUE : DateTimeUtil.microsFromInstant(until))
            .expression());
  }

  /** The residual: whether a row Iceberg returned also contains the text. */
  boolean keeps(Record row) {
    return grep == null || String.valueOf(row.getField(MESSAGE)).contains(grep);
  }
}
