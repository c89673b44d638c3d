package dev.logberg.pipeline.query;

import static dev.logberg.pipeline.tables.SparkLogsTable.LINE_NUMBER;
import static dev.logberg.pipeline.tables.SparkLogsTable.SOURCE_FILE;
import static dev.logberg.pipeline.tables.SparkLogsTable.TIMESTAMP;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One application's lines in time order, streamed: read through Iceberg's reader with the filter
 * pushed down, one day at a time (a day of more than {@link #MAX_ROWS_IN_MEMORY} lines in halves),
 * so memory holds a bounded part of the application, never all of it.
 *
 * <p>The days come from the matching data files' timestamp bounds (table metadata), so days without
 * a matching file cost nothing. A table's rows are not in time order across files (each run adds
 * files), so each day's rows are sorted before they are printed.
 */
public final class LogLines {
  private static final long DAY_MICROS = 86_400_000_000L;

  /**
   * More days than this (a bogus timestamp far from the rest) are read in as many equal windows, so
   * that a query never plans the table thousands of times.
   */
  static final int MAX_WINDOWS = 400;

  /**
   * Rows held at once before a window is halved: about 200 MB of log rows. Only lines of one
   * microsecond can exceed it.
   */
  static final int MAX_ROWS_IN_MEMORY = 100_000;

  /** Time, then file and line: the order a reader of one pod's log expects. */
  static final Comparator<Record> ORDER =
      Comparator.comparing((Record r) -> (OffsetDateTime) r.getField(TIMESTAMP))
          .thenComparing(r -> (String) r.getField(SOURCE_FILE))
          .thenComparing(r -> (Long) r.getField(LINE_NUMBER));

  private LogLines() {}

  /**
   * Hands {@code sink} every row of the table's current snapshot that {@code filter} keeps, in time
   * order.
   *
   * @return how many rows were handed over
   */
  public static long read(Table table, LogFilter filter, Consumer<Record> sink) {
    return read(table, filter, sink, MAX_ROWS_IN_MEMORY);
  }

  /** Like {@link #read(Table, LogFilter, Consumer)}, holding at most {@code maxRows} at once. */
  static long read(Table table, LogFilter filter, Consumer<Record> sink, int maxRows) {
    Snapshot snapshot = table.currentSnapshot();
    if (snapshot == null) {
      return 0;
    }
    long count = 0;
    for (Window window : windows(table, snapshot, filter)) {
      count += readWindow(table, snapshot, filter, window, sink, maxRows);
    }
    return count;
  }

  /**
   * One window's rows in order; a window with more than {@code maxRows} is read again as its two
   * halves (a busy day of a large application), so memory stays bounded whatever the application's
   * size.
   */
  private static long readWindow(
      Table table,
      Snapshot snapshot,
      LogFilter filter,
      Window window,
      Consumer<Record> sink,
      int maxRows) {
    List<Record> rows = new ArrayList<>();
    boolean tooMany = false;
    try (CloseableIterable<Record> scan =
        IcebergGenerics.read(table)
            .useSnapshot(snapshot.snapshotId())
            .where(Expressions.and(filter.pushedDown(), window.expression()))
            .build()) {
      for (Record row : scan) {
        if (filter.keeps(row)) {
          rows.add(row);
          if (rows.size() > maxRows && window.halves()) {
            tooMany = true;
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (tooMany) {
      rows.clear();
      long middle = window.from() + (window.to() - window.from()) / 2;
      return readWindow(table, snapshot, filter, new Window(window.from(), middle), sink, maxRows)
          + readWindow(table, snapshot, filter, new Window(middle, window.to()), sink, maxRows);
    }
    rows.sort(ORDER);
    rows.forEach(sink);
    return rows.size();
  }

  /**
   * Time windows [from, to) in micros, in order, covering every matching file's rows and nothing
   * outside the filter's own range: whole UTC days, merged into at most {@link #MAX_WINDOWS}.
   */
  static List<Window> windows(Table table, Snapshot snapshot, LogFilter filter) {
    int field = table.schema().findField(TIMESTAMP).fieldId();
    TreeSet<Long> days = new TreeSet<>();
    long lowest = Long.MAX_VALUE;
    long highest = Long.MIN_VALUE;
    try (CloseableIterable<FileScanTask> files =
        table
            .newScan()
            .useSnapshot(snapshot.snapshotId())
            .filter(filter.pushedDown())
            .includeColumnStats()
            .planFiles()) {
      for (FileScanTask task : files) {
        DataFile file = task.file();
        Long lower = bound(file.lowerBounds() == null ? null : file.lowerBounds().get(field));
        Long upper = bound(file.upperBounds() == null ? null : file.upperBounds().get(field));
        if (lower == null || upper == null) {
          // No statistics (metrics mode none): one window over everything the filter allows.
          return List.of(Window.ALL);
        }
        lowest = Math.min(lowest, lower);
        highest = Math.max(highest, upper);
        for (long day = Math.floorDiv(lower, DAY_MICROS);
            day <= Math.floorDiv(upper, DAY_MICROS) && days.size() <= MAX_WINDOWS;
            day++) {
          days.add(day);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (days.isEmpty()) {
      return List.of();
    }
    List<Window> windows = new ArrayList<>();
    if (days.size() > MAX_WINDOWS) {
      long width = Math.max(1, (highest - lowest) / MAX_WINDOWS + 1);
      for (long from = lowest; from <= highest; from += width) {
        addClamped(windows, filter, from, Math.min(from + width, highest + 1));
      }
    } else {
      for (long day : days) {
        addClamped(windows, filter, day * DAY_MICROS, (day + 1) * DAY_MICROS);
      }
    }
    return windows;
  }

  /** The window cut to the filter's own time range; none if nothing of it is left. */
  private static void addClamped(List<Window> windows, LogFilter filter, long from, long to) {
    long since = filter.since() == null ? from : DateTimeUtil.microsFromInstant(filter.since());
    long until = filter.until() == null ? to : DateTimeUtil.microsFromInstant(filter.until());
    if (Math.max(from, since) < Math.min(to, until)) {
      windows.add(new Window(Math.max(from, since), Math.min(to, until)));
    }
  }

  private static @Nullable Long bound(@Nullable ByteBuffer value) {
    return value == null
        ? null
        : (Long) Conversions.fromByteBuffer(Types.TimestampType.withZone(), value);
  }

  /**
   * Rows from {@code from} (inclusive) to {@code to} (exclusive), in micros; {@link Long#MIN_VALUE}
   * and {@link Long#MAX_VALUE} leave that end open.
   */
  record Window(long from, long to) {
    static final Window ALL = new Window(Long.MIN_VALUE, Long.MAX_VALUE);

    /** Whether the window can be read as two halves: closed, and longer than a microsecond. */
    boolean halves() {
      return from != Long.MIN_VALUE && to != Long.MAX_VALUE && to - from > 1;
    }

    Expression expression() {
      Expression range = Expressions.alwaysTrue();
      if (from != Long.MIN_VALUE) {
        range = Expressions.greaterThanOrEqual(TIMESTAMP, from);
      }
      if (to != Long.MAX_VALUE) {
        range = Expressions.and(range, Expressions.lessThan(TIMESTAMP, to));
      }
      return range;
    }
  }
}
