package dev.logberg.bench;

import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.ParquetMetricsRowGroupFilter;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * How much of a data table a reader opens for one application: Iceberg's scan planning picks the
 * files whose statistics may match, then each picked file's row groups are judged by their Parquet
 * footer's min/max statistics (Iceberg's own row-group filter, as its readers and Spark's use it).
 * The share is the compressed bytes of the row groups that may match over those of every live row
 * group.
 *
 * <p>Prints tab-separated lines: the median-sized application, then every application's share
 * summarised (median, mean, max), for {@code app = X} and for {@code app = X and one day}.
 *
 * <pre>LayoutProbe --lake=DIR [--table=logs.spark_logs]</pre>
 *
 * {@code DIR} holds {@code catalog.db} and {@code warehouse/}, as Logberg's default lake does.
 */
public final class LayoutProbe {
  private LayoutProbe() {}

  /** One row group: its file, compressed size and footer. */
  private record Group(
      String file, long bytes, BlockMetaData block, org.apache.parquet.schema.MessageType schema) {}

  public static void main(String[] args) throws IOException {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    Path lake = Path.of(options.get("lake")).toAbsolutePath();
    CatalogSpec catalog = CatalogSpec.sqlite("logberg", lake);
    TableIdentifier id = TableIdentifier.parse(options.getOrDefault("table", "logs.spark_logs"));
    catalog.apply(
        c -> {
          probe(c.loadTable(id));
          return null;
        });
  }

  private static void probe(Table table) {
    Map<String, List<Group>> groups = new HashMap<>();
    long total = 0;
    int files = 0;
    Configuration conf = new Configuration();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        String location = task.file().location();
        ParquetMetadata footer;
        try (ParquetFileReader reader =
            ParquetFileReader.open(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(location), conf))) {
          footer = reader.getFooter();
        }
        files++;
        for (BlockMetaData block : footer.getBlocks()) {
          groups
              .computeIfAbsent(location, l -> new ArrayList<>())
              .add(
                  new Group(
                      location,
                      block.getCompressedSize(),
                      block,
                      footer.getFileMetaData().getSchema()));
          total += block.getCompressedSize();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int rowGroups = groups.values().stream().mapToInt(List::size).sum();
    Map<String, long[]> apps = appsWithFirstDay(table);
    List<Map.Entry<String, long[]>> bySize = new ArrayList<>(apps.entrySet());
    bySize.sort(Comparator.comparingLong(e -> e.getValue()[0]));
    Map.Entry<String, long[]> median = bySize.get(bySize.size() / 2);
    System.out.printf(
        "table\t%s\tfiles\t%d\trow_groups\t%d\tbytes\t%d\tapps\t%d%n",
        table.name(), files, rowGroups, total, apps.size());
    List<Double> appShares = new ArrayList<>();
    List<Double> dayShares = new ArrayList<>();
    for (Map.Entry<String, long[]> app : bySize) {
      Expression byApp = Expressions.equal("spark_app_selector", app.getKey());
      long day = app.getValue()[1];
      Expression byDay =
          Expressions.and(
              byApp,
              Expressions.and(
                  Expressions.greaterThanOrEqual("timestamp", day),
                  Expressions.lessThan(
                      "timestamp", day + ChronoUnit.DAYS.getDuration().toNanos() / 1000)));
      appShares.add(opened(table, groups, byApp) / (double) total);
      dayShares.add(opened(table, groups, byDay) / (double) total);
      if (app == median) {
        System.out.printf(
            "median_app\t%s\trows\t%d\tapp_share\t%.4f\tapp_day_share\t%.4f%n",
            app.getKey(),
            app.getValue()[0],
            appShares.get(appShares.size() - 1),
            dayShares.get(dayShares.size() - 1));
      }
    }
    print("app", appShares);
    print("app_day", dayShares);
  }

  private static void print(String filter, List<Double> shares) {
    List<Double> sorted = shares.stream().sorted().toList();
    double mean = shares.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    System.out.printf(
        "all_apps\t%s\tmedian\t%.4f\tmean\t%.4f\tmax\t%.4f%n",
        filter, sorted.get(sorted.size() / 2), mean, sorted.get(sorted.size() - 1));
  }

  /** The compressed bytes of the row groups a reader with {@code filter} opens. */
  private static long opened(Table table, Map<String, List<Group>> groups, Expression filter) {
    Schema schema = table.schema();
    ParquetMetricsRowGroupFilter rowGroups = new ParquetMetricsRowGroupFilter(schema, filter, true);
    long bytes = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().filter(filter).planFiles()) {
      for (FileScanTask task : tasks) {
        for (Group group : groups.getOrDefault(task.file().location(), List.of())) {
          if (rowGroups.shouldRead(group.schema(), group.block())) {
            bytes += group.bytes();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes;
  }

  /** Each application's rows and the start (micros) of the UTC day of its first line. */
  private static Map<String, long[]> appsWithFirstDay(Table table) {
    Map<String, long[]> apps = new HashMap<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table).select("spark_app_selector", "timestamp").build()) {
      for (Record row : rows) {
        long micros =
            DateTimeUtil.microsFromTimestamptz(
                (java.time.OffsetDateTime) row.getField("timestamp"));
        long day =
            DateTimeUtil.microsFromInstant(
                Instant.EPOCH.plus(Math.floorDiv(micros, 86_400_000_000L), ChronoUnit.DAYS));
        long[] app =
            apps.computeIfAbsent(
                (String) row.getField("spark_app_selector"), a -> new long[] {0, Long.MAX_VALUE});
        app[0]++;
        app[1] = Math.min(app[1], day);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return apps;
  }
}
