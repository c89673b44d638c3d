package dev.logberg.pipeline.query;

import static dev.logberg.pipeline.tables.SparkLogsTable.LOG_LEVEL;
import static dev.logberg.pipeline.tables.SparkLogsTable.SPARK_APP_SELECTOR;
import static dev.logberg.pipeline.tables.SparkLogsTable.TIMESTAMP;

import dev.logberg.pipeline.status.AppStatus;
import dev.logberg.pipeline.status.LatestStatuses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What {@code apps} prints: every landed application with its status, the time range of its lines,
 * how many lines it has and how many of them are errors (ERROR or FATAL).
 *
 * <p>Statuses come from the metadata table (one row per application); the rest from one scan of the
 * data table that reads three columns only (Parquet reads no other column's pages).
 */
public final class AppsListing {
  private AppsListing() {}

  /** One application. */
  public record App(
      String id,
      String status,
      @Nullable OffsetDateTime first,
      @Nullable OffsetDateTime last,
      long lines,
      long errors) {}

  /** Newest activity first; applications with no lines (yet) last, by id. */
  static final Comparator<App> ORDER =
      Comparator.comparing(App::last, Comparator.nullsLast(Comparator.reverseOrder()))
          .thenComparing(App::id);

  public static List<App> read(Table metadata, Table data) {
    Map<String, long[]> counts = new HashMap<>();
    Map<String, OffsetDateTime[]> ranges = new HashMap<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(data).select(SPARK_APP_SELECTOR, TIMESTAMP, LOG_LEVEL).build()) {
      for (Record row : rows) {
        String app = (String) row.getField(SPARK_APP_SELECTOR);
        long[] count = counts.computeIfAbsent(app, a -> new long[2]);
        count[0]++;
        Object level = row.getField(LOG_LEVEL);
        if ("ERROR".equals(level) || "FATAL".equals(level)) {
          count[1]++;
        }
        OffsetDateTime time = (OffsetDateTime) row.getField(TIMESTAMP);
        OffsetDateTime[] range =
            ranges.computeIfAbsent(app, a -> new OffsetDateTime[] {time, time});
        if (time.isBefore(range[0])) {
          range[0] = time;
        }
        if (time.isAfter(range[1])) {
          range[1] = time;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + data.name(), e);
    }
    Map<String, AppStatus> statuses = LatestStatuses.read(metadata);
    List<App> apps = new ArrayList<>();
    for (String id : union(statuses.keySet(), counts.keySet())) {
      AppStatus status = statuses.get(id);
      long[] count = counts.getOrDefault(id, new long[2]);
      OffsetDateTime[] range = ranges.getOrDefault(id, new OffsetDateTime[2]);
      apps.add(
          new App(
              id,
              status == null ? "UNKNOWN" : status.status().name(),
              range[0],
              range[1],
              count[0],
              count[1]));
    }
    apps.sort(ORDER);
    return apps;
  }

  private static SortedSet<String> union(Collection<String> a, Collection<String> b) {
    SortedSet<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  /** A table for a terminal: one header, one line per application. */
  public static String render(List<App> apps) {
    String format = "%-40s %-10s %-27s %-27s %12s %8s";
    List<String> lines = new ArrayList<>();
    lines.add(String.format(format, "APPLICATION", "STATUS", "FIRST", "LAST", "LINES", "ERRORS"));
    for (App app : apps) {
      lines.add(
          String.format(
              format,
              app.id(),
              app.status(),
              app.first() == null ? "-" : app.first().toInstant(),
              app.last() == null ? "-" : app.last().toInstant(),
              String.format("%,d", app.lines()),
              String.format("%,d", app.errors())));
    }
    return String.join("\n", lines);
  }
}
