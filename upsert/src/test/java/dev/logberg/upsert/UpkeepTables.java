package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.metrics.CounterResult;
import org.apache.iceberg.metrics.ScanReport;

/**
 * Tables for the upkeep tests: upsert rounds leaving deletes, Flink-style equality deletes, a table
 * landed in one commit across days; and what the tests count and read of them.
 */
final class UpkeepTables {
  private UpkeepTables() {}

  static final MergeKeys KEYS = MergeKeys.of("id").orderedBy("ts");

  /**
   * Compacts every partition with deletes or at least two small files; no expiry or orphan removal.
   */
  static final TableUpkeep.Options COMPACT_ONLY =
      TableUpkeep.Options.defaults().withMinInputFiles(2).only(true, false, false, false);

  /**
   * Several upsert rounds: keys replaced across batches and partitions, a duplicate within a batch.
   */
  static Map<String, String> upsertRounds(Table table) {
    resolve(
        table,
        append(
            table,
            row("a", "a1", 1, "x"),
            row("b", "b1", 1, "x"),
            row("c", "c1", 1, "y"),
            row("d", "d1", 1, "y"),
            row("e", "e1", 1, "x")));
    resolve(
        table,
        append(table, row("a", "a2", 2, "x"), row("c", "c2", 2, "x"), row("f", "f1", 2, "y")));
    resolve(
        table,
        append(table, row("b", "b2", 3, "y"), row("f", "f2", 3, "y"), row("f", "f0", 0, "x")));
    resolve(table, append(table, row("g", "g1", 4, "x"), row("d", "d2", 4, "y")));
    return Map.of("a", "a2", "b", "b2", "c", "c2", "d", "d2", "e", "e1", "f", "f2", "g", "g1");
  }

  static void resolve(Table table, long appendSnapshot) {
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(appendSnapshot));
  }

  /**
   * Counts of the live files: data files with rows, empty data files, position deletes/vectors,
   * equality deletes.
   */
  static int[] files(Table table) {
    table.refresh();
    int data = 0;
    int empty = 0;
    java.util.Set<String> positions = new java.util.HashSet<>();
    java.util.Set<String> equalities = new java.util.HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask t : tasks) {
        if (t.file().recordCount() == 0) {
          empty++;
        } else {
          data++;
        }
        for (DeleteFile d : t.deletes()) {
          (d.content() == FileContent.EQUALITY_DELETES ? equalities : positions)
              .add(d.location() + "#" + d.contentOffset());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new int[] {data, empty, positions.size(), equalities.size()};
  }

  /**
   * Writes an equality delete on {@code id} for each id, as a Flink upsert job does, in the given
   * partition.
   */
  static void equalityDelete(Table table, String part, String... ids) {
    Schema deleteSchema = table.schema().select("id", "part");
    GenericAppenderFactory factory =
        new GenericAppenderFactory(
            table.schema(),
            table.spec(),
            new int[] {table.schema().findField("id").fieldId()},
            deleteSchema,
            null);
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 7, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    PartitionKey partition = new PartitionKey(table.spec(), table.schema());
    Record sample = row("-", "-", 0, part);
    partition.partition(
        new org.apache.iceberg.data.InternalRecordWrapper(table.schema().asStruct()).wrap(sample));
    PartitionKey p = table.spec().isUnpartitioned() ? null : partition;
    EqualityDeleteWriter<Record> writer =
        factory.newEqDeleteWriter(
            table.spec().isUnpartitioned()
                ? outputs.newOutputFile()
                : outputs.newOutputFile(table.spec(), p),
            FileFormat.PARQUET,
            p);
    try (writer) {
      for (String id : ids) {
        Record r = GenericRecord.create(deleteSchema);
        r.setField("id", id);
        r.setField("part", part);
        writer.write(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    table.newRowDelta().addDeletes(writer.toDeleteFile()).commit();
  }

  /** A Flink-style upsert: equality deletes of the old rows, then the new rows appended. */
  static Map<String, String> flinkUpserts(Table table) {
    append(
        table,
        row("a", "a1", 1, "x"),
        row("b", "b1", 1, "x"),
        row("c", "c1", 1, "y"),
        row("d", "d1", 1, "y"));
    equalityDelete(table, "x", "a");
    append(table, row("a", "a2", 2, "x"));
    equalityDelete(table, "y", "c", "d");
    append(table, row("c", "c2", 2, "y"));
    return Map.of("a", "a2", "b", "b1", "c", "c2");
  }

  static final PartitionSpec BY_DAY = PartitionSpec.builderFor(TestLake.SCHEMA).day("ts").build();

  static final TableUpkeep.Options MANIFESTS_ONLY =
      TableUpkeep.Options.defaults().only(false, true, false, false);

  static final long DAY_SECONDS = 86_400;

  static final int DAYS = 6;

  /**
   * Two rows a day over six days, landed in one append: one data manifest lists the files of every
   * day, as a base table landed in one run has.
   */
  static Table landedInOneCommit(Path dir, int version) {
    Table table = new TestLake(dir).create("t", version, BY_DAY, Map.of());
    List<Record> rows = new ArrayList<>();
    for (int d = 0; d < DAYS; d++) {
      rows.add(row("a" + d, "a", d * DAY_SECONDS + 10, "x"));
      rows.add(row("b" + d, "b", d * DAY_SECONDS + 20, "y"));
    }
    append(table, rows.toArray(new Record[0]));
    return table;
  }

  /** Every live row, in full, sorted (a duplicate would show). */
  static List<String> records(Table table) {
    table.refresh();
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(r -> rows.add(r.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rows.sort(null);
    return rows;
  }

  /** The data manifests of the current snapshot with live files. */
  static List<ManifestFile> liveDataManifests(Table table) {
    table.refresh();
    return table.currentSnapshot().dataManifests(table.io()).stream()
        .filter(m -> m.addedFilesCount() + m.existingFilesCount() > 0)
        .toList();
  }

  /** Plans a scan of one day and returns Iceberg's report of it. */
  static ScanReport planDay(Table table, int day) {
    table.refresh();
    AtomicReference<ScanReport> report = new AtomicReference<>();
    long from = day * DAY_SECONDS * 1_000_000L;
    try (CloseableIterable<FileScanTask> tasks =
        table
            .newScan()
            .filter(
                Expressions.and(
                    Expressions.greaterThanOrEqual("ts", from),
                    Expressions.lessThan("ts", from + DAY_SECONDS * 1_000_000L)))
            .metricsReporter(
                r -> {
                  if (r instanceof ScanReport scan) {
                    report.set(scan);
                  }
                })
            .planFiles()) {
      tasks.forEach(t -> assertThat(t.file().recordCount() <= 2, is(true)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return java.util.Objects.requireNonNull(report.get(), "no scan report");
  }

  static long value(@org.checkerframework.checker.nullness.qual.Nullable CounterResult counter) {
    return counter == null ? 0 : counter.value();
  }

  static int count(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}
