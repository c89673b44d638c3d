package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upkeep on a real sqlite JDBC catalog, read back with Iceberg's generic reader (Spark:
 * SparkSqlReadBackTest).
 */
class TableUpkeepTest {
  static final MergeKeys KEYS = MergeKeys.of("id").orderedBy("ts");

  /**
   * Compacts every partition with deletes or at least two small files; no expiry or orphan removal.
   */
  static final TableUpkeep.Options COMPACT_ONLY =
      TableUpkeep.Options.defaults().withMinInputFiles(2).only(true, false, false, false);

  @TempDir Path dir;

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

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void upkeepAfterUpsertRoundsKeepsTheLiveRowsAndLeavesNoDeletes(int version) {
    Table table = new TestLake(dir).create("t", version, true);
    Map<String, String> expected = upsertRounds(table);
    assertThat(live(table), is(expected));
    int[] before = files(table);
    assertThat("the rounds left deletes", before[2], greaterThan(0));

    TableUpkeep.Report report = new TableUpkeep(COMPACT_ONLY).run(table);

    assertThat(live(table), is(expected));
    int[] after = files(table);
    assertThat("no delete file is left", after[2] + after[3], is(0));
    assertThat("fewer data files", after[0] + after[1], lessThan(before[0] + before[1]));
    assertThat("one file per partition x and y", after[0], is(2));
    assertThat(report.deleteFilesRemoved(), is(before[2]));
    assertThat(report.dataFilesAdded(), is(2));
    // A second upkeep finds nothing to do.
    assertThat(new TableUpkeep(COMPACT_ONLY).run(table).partitionsCompacted(), is(0));
  }

  @Test
  void newFilesUseTheTablesCompressionCodec() {
    Table table =
        new TestLake(dir)
            .create(
                "t",
                2,
                org.apache.iceberg.PartitionSpec.unpartitioned(),
                Map.of("write.parquet.compression-codec", "gzip"));
    resolve(table, append(table, row("a", "a1", 1, "x"), row("b", "b1", 1, "x")));
    resolve(table, append(table, row("a", "a2", 2, "x")));
    new TableUpkeep(COMPACT_ONLY).run(table);
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask t : tasks) {
        try (org.apache.parquet.hadoop.ParquetFileReader reader =
            org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(t.file().location()),
                    new org.apache.hadoop.conf.Configuration()))) {
          assertThat(
              reader.getFooter().getBlocks().get(0).getColumns().get(0).getCodec().name(),
              is("GZIP"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(live(table), is(Map.of("a", "a2", "b", "b1")));
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

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void equalityDeletesOfAFlinkUpsertJobAreAppliedAndRemoved(int version) {
    Table table = new TestLake(dir).create("t", version, true);
    Map<String, String> expected = flinkUpserts(table);
    assertThat(live(table), is(expected));
    assertThat(files(table)[3], is(2));

    TableUpkeep.Report report = new TableUpkeep(COMPACT_ONLY).run(table);

    assertThat(live(table), is(expected));
    int[] after = files(table);
    assertThat("no equality delete is left", after[3], is(0));
    assertThat(after[2], is(0));
    assertThat(report.equalityDeleteFilesRemoved(), is(2));
  }

  @Test
  void expiryKeepsTheWindowAndTheLastSnapshots() {
    Table table = new TestLake(dir).create("t", 2, false);
    for (int i = 0; i < 6; i++) {
      append(table, row("k" + i, "v", i, "x"));
    }
    long now = System.currentTimeMillis();
    TableUpkeep.Options expireOnly =
        TableUpkeep.Options.defaults()
            .withSnapshotRetention(Duration.ofDays(7), 2)
            .only(false, false, true, false);
    // Inside the window nothing expires.
    assertThat(new TableUpkeep(expireOnly, () -> now).run(table).snapshotsExpired(), is(0));
    assertThat(count(table.snapshots()), is(6));
    // Eight days later all but the last two expire; the rows stay.
    TableUpkeep.Report report =
        new TableUpkeep(expireOnly, () -> now + Duration.ofDays(8).toMillis()).run(table);
    assertThat(report.snapshotsExpired(), is(4));
    table.refresh();
    assertThat(count(table.snapshots()), is(2));
    assertThat(live(table).size(), is(6));
  }

  @Test
  void orphansOlderThanTheGracePeriodGoAndEverythingElseStays() throws IOException {
    Table table = new TestLake(dir).create("t", 2, true);
    Map<String, String> expected = upsertRounds(table);
    Path data =
        Path.of(
                java.net.URI.create(
                    table.location().startsWith("/")
                        ? "file://" + table.location()
                        : table.location()))
            .resolve("data");
    Path old = Files.writeString(data.resolve("part=x").resolve("orphan-old.parquet"), "junk");
    Path young = Files.writeString(data.resolve("orphan-young.parquet"), "junk");
    long now = System.currentTimeMillis();
    old.toFile().setLastModified(now - Duration.ofDays(4).toMillis());
    // Every file of the table is old too: only the unreferenced one may go.
    List<File> all = new ArrayList<>();
    try (var walk = Files.walk(Path.of(table.location()))) {
      walk.filter(Files::isRegularFile).forEach(p -> all.add(p.toFile()));
    }
    all.stream()
        .filter(f -> !f.toPath().equals(young) && !f.toPath().equals(old))
        .forEach(f -> f.setLastModified(now - Duration.ofDays(30).toMillis()));

    TableUpkeep.Report report =
        new TableUpkeep(TableUpkeep.Options.defaults().only(false, false, false, true)).run(table);

    assertThat(report.orphansRemoved(), is(1));
    assertThat(Files.exists(old), is(false));
    assertThat(Files.exists(young), is(true));
    for (File f : all) {
      if (!f.toPath().equals(old)) {
        assertThat(f + " stays", f.exists(), is(true));
      }
    }
    assertThat(live(table), is(expected));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aResolutionCommittedBetweenPlanAndCommitIsRetriedAndLosesNothing(int version) {
    Table table = new TestLake(dir).create("t", version, true);
    Map<String, String> expected = new TreeMap<>(upsertRounds(table));
    AtomicInteger hooks = new AtomicInteger();
    // Between planning and committing partition x, a run replaces "e" (in a file being compacted)
    // and adds "h".
    TableUpkeep upkeep =
        new TableUpkeep(COMPACT_ONLY)
            .beforeCommit(
                t -> {
                  if (hooks.getAndIncrement() == 0) {
                    resolve(t, append(t, row("e", "e2", 9, "x"), row("h", "h1", 9, "y")));
                  }
                });
    expected.put("e", "e2");
    expected.put("h", "h1");

    TableUpkeep.Report report = upkeep.run(table);

    assertThat(live(table), is(expected));
    assertThat(report.partitionsSkipped(), is(0));
    assertThat(
        "the run's deletes on a file being compacted made the first commit fail",
        report.commitConflicts(),
        greaterThan(0));
    // Again without interference: nothing is left to compact that has deletes.
    new TableUpkeep(COMPACT_ONLY).run(table);
    assertThat(live(table), is(expected));
    assertThat(files(table)[2], is(0));
  }

  @Test
  void anAppendCommittedBetweenPlanAndCommitStaysLive() {
    Table table = new TestLake(dir).create("t", 2, true);
    Map<String, String> expected = new HashMap<>(upsertRounds(table));
    AtomicInteger hooks = new AtomicInteger();
    // Before each partition's commit (one attempt each) a run appends a row: none conflicts, every
    // row stays.
    TableUpkeep upkeep =
        new TableUpkeep(COMPACT_ONLY.withCommitAttempts(1))
            .beforeCommit(t -> append(t, row("z" + hooks.incrementAndGet(), "z", 9, "x")));
    TableUpkeep.Report report = upkeep.run(table);
    assertThat(hooks.get(), is(2));
    expected.put("z1", "z");
    expected.put("z2", "z");
    assertThat(live(table), is(expected));
    assertThat(report.partitionsSkipped(), is(0));
  }

  @Test
  void conflictsBeyondTheAttemptsSkipThePartition() {
    Table table = new TestLake(dir).create("t", 2, false);
    resolve(
        table,
        append(table, row("a", "a1", 1, "x"), row("b", "b1", 1, "x"), row("c", "c1", 1, "x")));
    resolve(table, append(table, row("a", "a2", 2, "x")));
    AtomicInteger round = new AtomicInteger();
    TableUpkeep upkeep =
        new TableUpkeep(COMPACT_ONLY.withCommitAttempts(1))
            .beforeCommit(
                t -> resolve(t, append(t, row("b", "b" + (2 + round.getAndIncrement()), 3, "x"))));
    TableUpkeep.Report report = upkeep.run(table);
    assertThat(report.partitionsSkipped(), is(1));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b2", "c", "c1")));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Manifest clustering

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

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void manifestsOfATableLandedInOneCommitAreClusteredByPartition(int version) {
    Table table = landedInOneCommit(dir, version);
    List<String> rows = records(table);
    assertThat(liveDataManifests(table).size(), is(1));
    ScanReport before = planDay(table, 0);
    assertThat(value(before.scanMetrics().scannedDataManifests()), is(1L));
    assertThat(value(before.scanMetrics().skippedDataManifests()), is(0L));

    TableUpkeep.Report report = new TableUpkeep(MANIFESTS_ONLY).run(table);

    assertThat(report.line(), report.manifestsRewritten(), is(1));
    assertThat(report.line(), report.manifestsCreated(), is(DAYS));
    assertThat(report.line(), containsString("1 data manifests clustered by partition into 6"));
    // Each data manifest covers one day (its partition summary's bounds are equal), and every day
    // has its manifest.
    List<ManifestFile> manifests = liveDataManifests(table);
    Set<ByteBuffer> days = new HashSet<>();
    for (ManifestFile m : manifests) {
      ManifestFile.PartitionFieldSummary summary = m.partitions().get(0);
      assertThat(m.path(), summary.lowerBound(), is(summary.upperBound()));
      days.add(summary.lowerBound());
    }
    assertThat(days.size(), is(DAYS));
    // Planning one day reads that day's manifest only.
    for (int d = 0; d < DAYS - 1; d++) {
      ScanReport after = planDay(table, d);
      assertThat(value(after.scanMetrics().scannedDataManifests()), is(1L));
      assertThat(
          value(after.scanMetrics().skippedDataManifests()), is((long) manifests.size() - 1));
    }
    assertThat(records(table), is(rows));
    // The last snapshot adds a data file (an empty one): a Beam append may follow (beam#37199).
    Snapshot current = table.currentSnapshot();
    assertThat(current.addedDataFiles(table.io()).iterator().hasNext(), is(true));

    // Upkeep again: nothing to do, no snapshot.
    TableUpkeep.Report again = new TableUpkeep(MANIFESTS_ONLY).run(table);
    assertThat(again.manifestsRewritten(), is(0));
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId(), is(current.snapshotId()));
  }

  @Test
  void compactionAfterTheRewriteRemovesItsEmptyFileAndASecondUpkeepCommitsNothing() {
    Table table = landedInOneCommit(dir, 2);
    List<String> rows = records(table);
    int[] before = files(table);
    TableUpkeep.Options all = TableUpkeep.Options.defaults().only(true, true, false, false);

    TableUpkeep.Report first = new TableUpkeep(all).run(table);

    assertThat(first.line(), first.manifestsRewritten(), is(1));
    // The empty file the rewrite's transaction added joined the last day's two small files, and
    // compaction, which runs next, rewrote that day: no empty file is left, one file fewer.
    assertThat(first.line(), first.partitionsCompacted(), is(1));
    int[] after = files(table);
    assertThat(after[1], is(0));
    assertThat(after[0], is(before[0] - 1));
    assertThat(records(table), is(rows));
    // Still one day per manifest, compaction's manifests included.
    assertThat(
        liveDataManifests(table).stream()
            .allMatch(
                m -> m.partitions().get(0).lowerBound().equals(m.partitions().get(0).upperBound())),
        is(true));
    assertThat(value(planDay(table, 0).scanMetrics().scannedDataManifests()), is(1L));
    assertThat(table.currentSnapshot().addedDataFiles(table.io()).iterator().hasNext(), is(true));

    table.refresh();
    long settled = table.currentSnapshot().snapshotId();
    TableUpkeep.Report second = new TableUpkeep(all).run(table);
    assertThat(second.line(), second.partitionsCompacted() + second.manifestsRewritten(), is(0));
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId(), is(settled));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void anAppendCommittedBeforeTheRewriteCommitsStaysLive(int version) {
    Table table = landedInOneCommit(dir, version);
    List<String> rows = new ArrayList<>(records(table));
    // A run appends rows of day 2 and of a new day while the rewrite is prepared: Iceberg retries
    // the transaction on the new snapshot, keeping the run's manifest.
    TableUpkeep upkeep =
        new TableUpkeep(MANIFESTS_ONLY)
            .beforeManifestCommit(
                t ->
                    append(
                        t,
                        row("c2", "c", 2 * DAY_SECONDS + 30, "x"),
                        row("c9", "c", 9 * DAY_SECONDS + 30, "x")));

    TableUpkeep.Report report = upkeep.run(table);

    assertThat(report.line(), report.manifestsRewritten(), is(1));
    assertThat(report.manifestConflicts(), is(0));
    Map<String, String> live = live(table);
    assertThat(live.get("c2"), is("c"));
    assertThat(live.get("c9"), is("c"));
    assertThat(live.size(), is(2 * DAYS + 2));
    List<String> after = records(table);
    assertThat(after.containsAll(rows), is(true));
    assertThat(
        new TableUpkeep(MANIFESTS_ONLY).run(table).manifestsRewritten(),
        is(greaterThan(0))); // the run's manifest spans two days: the next upkeep clusters it
    assertThat(records(table), is(after));
  }

  @Test
  void aConcurrentCommitThatRemovesTheReplacedEmptyFileMakesUpkeepRetry() {
    Table table = landedInOneCommit(dir, 2);
    // An empty data file, as a resolution commit leaves: the manifest rewrite replaces it.
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 3, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    PartitionKey day1 = new PartitionKey(table.spec(), table.schema());
    day1.partition(
        new org.apache.iceberg.data.InternalRecordWrapper(table.schema().asStruct())
            .wrap(row("-", "-", DAY_SECONDS + 5, "x")));
    DataFile empty = EmptyDataFile.write(table, outputs, table.spec(), day1);
    table.newAppend().appendFile(empty).commit();
    List<String> rows = records(table);
    // Before the first commit, another committer removes that empty file.
    TableUpkeep upkeep =
        new TableUpkeep(MANIFESTS_ONLY)
            .beforeManifestCommit(t -> t.newDelete().deleteFile(empty.location()).commit());

    TableUpkeep.Report report = upkeep.run(table);

    assertThat(report.line(), report.manifestConflicts(), is(1));
    assertThat(report.manifestsSkipped(), is(false));
    assertThat(report.manifestsRewritten(), greaterThan(0));
    assertThat(records(table), is(rows));
    table.refresh();
    assertThat(table.currentSnapshot().addedDataFiles(table.io()).iterator().hasNext(), is(true));
    assertThat(new TableUpkeep(MANIFESTS_ONLY).run(table).manifestsRewritten(), is(0));
  }

  private static int count(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}
