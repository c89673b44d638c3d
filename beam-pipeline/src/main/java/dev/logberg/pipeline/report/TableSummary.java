package dev.logberg.pipeline.report;

import dev.logberg.pipeline.status.LatestStatuses;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * What the tables hold now, read with Iceberg's own reader: the summary printed after a run and by
 * {@code verify}.
 *
 * @param statuses applications by their latest status
 * @param rejectsByReason rejected lines by reason code
 */
public record TableSummary(
    long records,
    OffsetDateTime first,
    OffsetDateTime last,
    int apps,
    int pods,
    Map<String, Long> levels,
    Map<String, Long> statuses,
    Map<String, Long> rejectsByReason) {

  public static TableSummary read(CatalogSpec catalog, LogbergTables tables) {
    return catalog.apply(c -> read(c, tables));
  }

  private static TableSummary read(Catalog catalog, LogbergTables tables) {
    long[] records = {0};
    OffsetDateTime[] range = {null, null};
    Set<String> apps = new HashSet<>();
    Set<String> pods = new HashSet<>();
    Map<String, Long> levels = new TreeMap<>();
    scan(
        catalog,
        tables.dataTable(),
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

    Map<String, Long> statuses = new TreeMap<>();
    LatestStatuses.read(catalog.loadTable(tables.metadataTable()))
        .values()
        .forEach(s -> statuses.merge(s.status().name(), 1L, Long::sum));

    Map<String, Long> rejects = new TreeMap<>();
    scan(
        catalog,
        tables.rejectsTable(),
        r -> rejects.merge(reasonCode((String) r.getField(RejectsTable.REASON)), 1L, Long::sum),
        RejectsTable.REASON);
    return new TableSummary(
        records[0], range[0], range[1], apps.size(), pods.size(), levels, statuses, rejects);
  }

  /** Reject reasons are stored as {@code CODE: detail}. */
  static String reasonCode(String reason) {
    int colon = reason.indexOf(':');
    return colon < 0 ? reason : reason.substring(0, colon);
  }

  /** Reads the given columns of every live row of a table. */
  static void scan(Catalog catalog, TableIdentifier id, Consumer<Record> each, String... columns) {
    Table table = catalog.loadTable(id);
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).select(columns).build()) {
      rows.forEach(each);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + id, e);
    }
  }

  public String report(LogbergTables tables) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("Table %s: %,d records", tables.dataTable(), records));
    if (records > 0) {
      out.append(String.format(", %s .. %s, %d applications, %d pods", first, last, apps, pods));
    }
    out.append('\n').append("  log levels: ").append(withShares(levels));
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
              String.format("%s %,d (%.1f%%)", key, count, 100.0 * count / Math.max(1, records)));
        });
    return out.length() == 0 ? "(none)" : out.toString();
  }
}
