package dev.logberg.pipeline.report;

import dev.logberg.pipeline.status.LatestStatuses;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.util.DateTimeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What the tables hold now, read with Iceberg's own reader: the summary printed after a run and by
 * {@code verify}.
 *
 * <p>After a run, the data table is described from its metadata alone (live records from the
 * snapshot's totals, the time range from the data files' column bounds), so that the summary costs
 * the same on the first run as on a table of billions of rows; {@code verify} scans it for the
 * applications, pods and log levels too.
 *
 * @param data what the data table holds
 * @param statuses applications by their latest status
 * @param rejectsByReason rejected lines by reason code
 */
public record TableSummary(
    DataTable data, Map<String, Long> statuses, Map<String, Long> rejectsByReason) {

  /**
   * The data table's live records and their time range, and, when it was scanned, applications,
   * pods and rows per log level (null when read from metadata only).
   */
  public record DataTable(
      long records,
      @Nullable OffsetDateTime first,
      @Nullable OffsetDateTime last,
      int dataFiles,
      @Nullable Scanned scanned) {}

  /** What only a scan of the data table tells. */
  public record Scanned(int apps, int pods, Map<String, Long> levels) {}

  /** Every table scanned: for {@code verify}. */
  public static TableSummary read(CatalogSpec catalog, LogbergTables tables) {
    return catalog.apply(c -> read(c, tables, scanData(c.loadTable(tables.dataTable()))));
  }

  /** The data table from its metadata, the small tables scanned: after every run. */
  public static TableSummary afterRun(CatalogSpec catalog, LogbergTables tables) {
    return catalog.apply(c -> read(c, tables, fromMetadata(c.loadTable(tables.dataTable()))));
  }

  private static TableSummary read(Catalog catalog, LogbergTables tables, DataTable data) {
    Map<String, Long> statuses = new TreeMap<>();
    LatestStatuses.read(catalog.loadTable(tables.metadataTable()))
        .values()
        .forEach(s -> statuses.merge(s.status().name(), 1L, Long::sum));

    Map<String, Long> rejects = new TreeMap<>();
    scan(
        catalog.loadTable(tables.rejectsTable()),
        r -> rejects.merge(reasonCode((String) r.getField(RejectsTable.REASON)), 1L, Long::sum),
        RejectsTable.REASON);
    return new TableSummary(data, statuses, rejects);
  }

  private static DataTable scanData(Table table) {
    long[] records = {0};
    OffsetDateTime[] range = {null, null};
    Set<String> apps = new HashSet<>();
    Set<String> pods = new HashSet<>();
    Map<String, Long> levels = new TreeMap<>();
    scan(
        table,
        r -> {
          records[0]++;
          OffsetDateTime ts = (OffsetDateTime) r.getField(SparkLogsTable.TIMESTAMP);
          range[0] = range[0] == null || ts.isBefore(range[0]) ? ts : range[0];
          range[1] = range[1] == null || ts.isAfter(range[1]) ? ts : range[1];
          apps.add((String) r.getField(SparkLogsTable.SPARK_APP_SELECTOR));
          Object pod = r.getField(SparkLogsTable.POD_NAME);
          if (pod != null) {
            pods.add((String) pod);
          }
          Object level = r.getField(SparkLogsTable.LOG_LEVEL);
          levels.merge(level == null ? "(none)" : (String) level, 1L, Long::sum);
        },
        SparkLogsTable.TIMESTAMP,
        SparkLogsTable.SPARK_APP_SELECTOR,
        SparkLogsTable.POD_NAME,
        SparkLogsTable.LOG_LEVEL);
    return new DataTable(
        records[0],
        range[0],
        range[1],
        dataFileCount(table),
        new Scanned(apps.size(), pods.size(), levels));
  }

  /**
   * Live records are the snapshot's records less its position deletes (every delete Logberg writes
   * removes one live row; no equality deletes); the range spans the data files' timestamp bounds.
   * Falls back to a scan where the totals cannot say (equality deletes, or no totals).
   */
  static DataTable fromMetadata(Table table) {
    Snapshot snapshot = table.currentSnapshot();
    if (snapshot == null) {
      return new DataTable(0, null, null, 0, null);
    }
    Map<String, String> totals = snapshot.summary();
    String records = totals.get(SnapshotSummary.TOTAL_RECORDS_PROP);
    String positionDeletes = totals.get(SnapshotSummary.TOTAL_POS_DELETES_PROP);
    if (records == null
        || positionDeletes == null
        || !"0".equals(totals.getOrDefault(SnapshotSummary.TOTAL_EQ_DELETES_PROP, "0"))) {
      return scanData(table);
    }
    int timestampId = table.schema().findField(SparkLogsTable.TIMESTAMP).fieldId();
    Type timestampType = table.schema().findType(timestampId);
    Long first = null;
    Long last = null;
    int files = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        files++;
        Long lower = bound(task.file().lowerBounds(), timestampId, timestampType);
        Long upper = bound(task.file().upperBounds(), timestampId, timestampType);
        first = lower == null ? first : first == null ? lower : Math.min(first, lower);
        last = upper == null ? last : last == null ? upper : Math.max(last, upper);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("planning " + table.name(), e);
    }
    return new DataTable(
        Long.parseLong(records) - Long.parseLong(positionDeletes),
        micros(first),
        micros(last),
        files,
        null);
  }

  private static @Nullable Long bound(
      @Nullable Map<Integer, ByteBuffer> bounds, int fieldId, Type type) {
    ByteBuffer bytes = bounds == null ? null : bounds.get(fieldId);
    return bytes == null ? null : Conversions.<Long>fromByteBuffer(type, bytes);
  }

  private static @Nullable OffsetDateTime micros(@Nullable Long micros) {
    return micros == null ? null : DateTimeUtil.timestamptzFromMicros(micros);
  }

  private static int dataFileCount(Table table) {
    Snapshot snapshot = table.currentSnapshot();
    String files =
        snapshot == null ? null : snapshot.summary().get(SnapshotSummary.TOTAL_DATA_FILES_PROP);
    return files == null ? 0 : Integer.parseInt(files);
  }

  /** Reject reasons are stored as {@code CODE: detail}. */
  static String reasonCode(String reason) {
    int colon = reason.indexOf(':');
    return colon < 0 ? reason : reason.substring(0, colon);
  }

  /** Reads the given columns of every live row of a table. */
  static void scan(Catalog catalog, TableIdentifier id, Consumer<Record> each, String... columns) {
    scan(catalog.loadTable(id), each, columns);
  }

  private static void scan(Table table, Consumer<Record> each, String... columns) {
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).select(columns).build()) {
      rows.forEach(each);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + table.name(), e);
    }
  }

  public String report(LogbergTables tables) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("Table %s: %,d records", tables.dataTable(), data.records()));
    if (data.records() > 0) {
      out.append(String.format(", %s .. %s", data.first(), data.last()));
    }
    Scanned scanned = data.scanned();
    if (scanned == null) {
      out.append(
          String.format(
              " in %,d data files (`verify` counts applications, pods and log levels)",
              data.dataFiles()));
    } else {
      if (data.records() > 0) {
        out.append(String.format(", %d applications, %d pods", scanned.apps(), scanned.pods()));
      }
      out.append('\n').append("  log levels: ").append(withShares(scanned.levels()));
    }
    out.append('\n')
        .append(
            String.format("Table %s: applications by status %s", tables.metadataTable(), statuses));
    out.append('\n')
        .append(
            String.format(
                "Table %s: %,d rejected lines %s",
                tables.rejectsTable(),
                rejectsByReason.values().stream().mapToLong(Long::longValue).sum(),
                rejectsByReason));
    return out.toString();
  }

  private String withShares(Map<String, Long> counts) {
    StringBuilder out = new StringBuilder();
    counts.forEach(
        (key, count) -> {
          if (out.length() > 0) {
            out.append(", ");
          }
          out.append(
              String.format(
                  "%s %,d (%.1f%%)", key, count, 100.0 * count / Math.max(1, data.records())));
        });
    return out.length() == 0 ? "(none)" : out.toString();
  }
}
