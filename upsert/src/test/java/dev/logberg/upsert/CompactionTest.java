package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.row;
import static dev.logberg.upsert.UpkeepTables.COMPACT_ONLY;
import static dev.logberg.upsert.UpkeepTables.files;
import static dev.logberg.upsert.UpkeepTables.flinkUpserts;
import static dev.logberg.upsert.UpkeepTables.resolve;
import static dev.logberg.upsert.UpkeepTables.upsertRounds;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compaction on its own ({@link Compaction} with its {@link CompactionRewriter}) on a real sqlite
 * JDBC catalog, read back with Iceberg's generic reader (Spark: SparkSqlReadBackTest).
 */
class CompactionTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void upkeepAfterUpsertRoundsKeepsTheLiveRowsAndLeavesNoDeletes(int version) {
    Table table = new TestLake(dir).create("t", version, true);
    Map<String, String> expected = upsertRounds(table);
    assertThat(live(table), is(expected));
    int[] before = files(table);
    assertThat("the rounds left deletes", before[2], greaterThan(0));

    Compaction.Result report = new Compaction(COMPACT_ONLY, null).run(table);

    assertThat(live(table), is(expected));
    int[] after = files(table);
    assertThat("no delete file is left", after[2] + after[3], is(0));
    assertThat("fewer data files", after[0] + after[1], lessThan(before[0] + before[1]));
    assertThat("one file per partition x and y", after[0], is(2));
    assertThat(report.deleteFilesRemoved(), is(before[2]));
    assertThat(report.dataFilesAdded(), is(2));
    // A second upkeep finds nothing to do.
    assertThat(new Compaction(COMPACT_ONLY, null).run(table).partitionsCompacted(), is(0));
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
    new Compaction(COMPACT_ONLY, null).run(table);
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

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void equalityDeletesOfAFlinkUpsertJobAreAppliedAndRemoved(int version) {
    Table table = new TestLake(dir).create("t", version, true);
    Map<String, String> expected = flinkUpserts(table);
    assertThat(live(table), is(expected));
    assertThat(files(table)[3], is(2));

    Compaction.Result report = new Compaction(COMPACT_ONLY, null).run(table);

    assertThat(live(table), is(expected));
    int[] after = files(table);
    assertThat("no equality delete is left", after[3], is(0));
    assertThat(after[2], is(0));
    assertThat(report.equalityDeleteFilesRemoved(), is(2));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aResolutionCommittedBetweenPlanAndCommitIsRetriedAndLosesNothing(int version) {
    Table table = new TestLake(dir).create("t", version, true);
    Map<String, String> expected = new TreeMap<>(upsertRounds(table));
    AtomicInteger hooks = new AtomicInteger();
    // Between planning and committing partition x, a run replaces "e" (in a file being compacted)
    // and adds "h".
    Compaction upkeep =
        new Compaction(
            COMPACT_ONLY,
            t -> {
              if (hooks.getAndIncrement() == 0) {
                resolve(t, append(t, row("e", "e2", 9, "x"), row("h", "h1", 9, "y")));
              }
            });
    expected.put("e", "e2");
    expected.put("h", "h1");

    Compaction.Result report = upkeep.run(table);

    assertThat(live(table), is(expected));
    assertThat(report.partitionsSkipped(), is(0));
    assertThat(
        "the run's deletes on a file being compacted made the first commit fail",
        report.conflicts(),
        greaterThan(0));
    // Again without interference: nothing is left to compact that has deletes.
    new Compaction(COMPACT_ONLY, null).run(table);
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
    Compaction upkeep =
        new Compaction(
            COMPACT_ONLY.withCommitAttempts(1),
            t -> append(t, row("z" + hooks.incrementAndGet(), "z", 9, "x")));
    Compaction.Result report = upkeep.run(table);
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
    Compaction upkeep =
        new Compaction(
            COMPACT_ONLY.withCommitAttempts(1),
            t -> resolve(t, append(t, row("b", "b" + (2 + round.getAndIncrement()), 3, "x"))));
    Compaction.Result report = upkeep.run(table);
    assertThat(report.partitionsSkipped(), is(1));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b2", "c", "c1")));
  }
}
