package dev.logberg.bench;

import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The scale benchmark's look at one lake's data table: a full scan by Iceberg's generic reader
 * (every column, deletes applied; median of the timed scans after one warm-up), its live rows and
 * distinct keys, and its shape (snapshots, data and delete files, data files per partition). Prints
 * one tab-separated line; see bench/run-scale.sh for the columns.
 *
 * <pre>ScaleScan --lake=DIR [--table=logs.spark_logs] [--reps=3]</pre>
 */
public final class ScaleScan {
  private ScaleScan() {}

  public static void main(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    CatalogSpec catalog = CatalogSpec.sqlite("logberg", Path.of(options.get("lake")));
    TableIdentifier id = TableIdentifier.parse(options.getOrDefault("table", "logs.spark_logs"));
    int reps = Integer.parseInt(options.getOrDefault("reps", "3"));
    String line = catalog.apply(c -> describe(c.loadTable(id), reps));
    System.out.println(line);
  }

  private static String describe(Table table, int reps) {
    long[] counts = scan(table);
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      long started = System.nanoTime();
      counts = scan(table);
      millis.add((System.nanoTime() - started) / 1_000_000);
    }
    Collections.sort(millis);
    int snapshots = 0;
    for (Snapshot ignored : table.snapshots()) {
      snapshots++;
    }
    Map<String, Integer> filesPerPartition = new HashMap<>();
    Set<String> deleteFiles = new HashSet<>();
    int dataFiles = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        dataFiles++;
        filesPerPartition.merge(task.file().partition().toString(), 1, Integer::sum);
        task.deletes().forEach(d -> deleteFiles.add(d.location()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int maxPerPartition = filesPerPartition.values().stream().mapToInt(i -> i).max().orElse(0);
    return String.join(
        "\t",
        String.valueOf(millis.get(millis.size() / 2)),
        String.valueOf(counts[0]),
        String.valueOf(counts[1]),
        String.valueOf(snapshots),
        String.valueOf(dataFiles),
        String.valueOf(deleteFiles.size()),
        String.valueOf(filesPerPartition.size()),
        String.valueOf(maxPerPartition));
  }

  /** Live rows and distinct event ids, reading every column. */
  private static long[] scan(Table table) {
    Set<String> keys = new HashSet<>();
    long rows = 0;
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record r : records) {
        rows++;
        keys.add((String) r.getField("event_id"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new long[] {rows, keys.size()};
  }
}
