package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.liveCount;
import static dev.logberg.upsert.TestLake.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The resolver on a real sqlite JDBC catalog, read back with Iceberg's generic reader. */
class MergeKeyResolverTest {
  private static final MergeKeys KEYS = MergeKeys.of("id").orderedBy("ts");

  @TempDir Path dir;

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void duplicatesWithinOneBatchKeepTheHighestOrder(int version) {
    Table table = new TestLake(dir).create("t", version, false);
    long s =
        append(table, row("a", "old", 10, "x"), row("a", "new", 20, "x"), row("b", "only", 5, "x"));
    MergeKeyResolver.Outcome outcome = MergeKeyResolver.resolveAppends(table, KEYS, List.of(s));
    assertThat(outcome.deletedRows(), is(1L));
    assertThat(live(table), is(Map.of("a", "new", "b", "only")));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aLaterBatchReplacesRowsAcrossBatchesAndPartitions(int version) {
    Table table = new TestLake(dir).create("t", version, true);
    long s1 =
        append(table, row("a", "a1", 10, "x"), row("b", "b1", 10, "y"), row("c", "c1", 10, "x"));
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(s1));
    // "a" moves from partition x to y; "b" stays in y.
    long s2 = append(table, row("a", "a2", 20, "y"), row("b", "b2", 20, "y"));
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(s2));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b2", "c", "c1")));
    long s3 = append(table, row("a", "a3", 30, "x"), row("c", "c3", 30, "y"));
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(s3));
    assertThat(live(table), is(Map.of("a", "a3", "b", "b2", "c", "c3")));
  }

  @Test
  void theOrderColumnBeatsArrivalOrder() {
    Table table = new TestLake(dir).create("t", 2, false);
    MergeKeyResolver.resolveAppends(
        table, KEYS, List.of(append(table, row("a", "newer", 50, "x"))));
    long late = append(table, row("a", "older but later", 40, "x"));
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(late));
    assertThat(live(table), is(Map.of("a", "newer")));
  }

  @Test
  void withoutAnOrderColumnTheLaterCommitWins() {
    Table table = new TestLake(dir).create("t", 2, false);
    MergeKeys keys = MergeKeys.of("id");
    MergeKeyResolver.resolveAppends(
        table, keys, List.of(append(table, row("a", "first", 50, "x"))));
    MergeKeyResolver.resolveAppends(
        table, keys, List.of(append(table, row("a", "second", 40, "x"))));
    assertThat(live(table), is(Map.of("a", "second")));
  }

  @Test
  void deletionVectorsAreMergedSoEachDataFileHasOne() {
    Table table = new TestLake(dir).create("t", 3, false);
    MergeKeyResolver.resolveAppends(
        table,
        KEYS,
        List.of(
            append(table, row("a", "a1", 1, "x"), row("b", "b1", 1, "x"), row("c", "c1", 1, "x"))));
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(append(table, row("a", "a2", 2, "x"))));
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(append(table, row("b", "b2", 2, "x"))));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b2", "c", "c1")));
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        assertThat(task.file().location(), task.deletes().size() <= 1, is(true));
        task.deletes().forEach(d -> assertThat(d.content(), is(FileContent.POSITION_DELETES)));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void positionDeletesOnV2AreScopedToTheirOneDataFile() {
    Table table = new TestLake(dir).create("t", 2, true);
    MergeKeyResolver.resolveAppends(
        table,
        KEYS,
        List.of(
            append(
                table,
                row("a", "a1", 1, "x"),
                row("b", "b1", 1, "x"),
                row("c", "c1", 1, "y"),
                row("d", "d1", 1, "y"))));
    MergeKeyResolver.resolveAppends(
        table, KEYS, List.of(append(table, row("a", "a2", 2, "x"), row("c", "c2", 2, "y"))));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b1", "c", "c2", "d", "d1")));
    table.refresh();
    int deleteFiles = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        for (org.apache.iceberg.DeleteFile delete : task.deletes()) {
          deleteFiles++;
          assertThat(
              org.apache.iceberg.util.ContentFileUtil.referencedDataFileLocation(delete),
              is(task.file().location()));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(
        "one delete file for each of the two data files that lost a row", deleteFiles, is(2));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aDataFileWhoseEveryRowIsDeletedLeavesTheTableInTheResolutionsCommit(int version) {
    Table table = new TestLake(dir).create("t", version, false);
    MergeKeyResolver.resolveAppends(
        table,
        KEYS,
        List.of(
            append(table, row("a", "a1", 1, "x"), row("b", "b1", 1, "x"), row("c", "c1", 1, "x"))));
    String first = onlyDataFile(table);
    // "a" replaced: the first file keeps two rows, masked by a delete file of its own.
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(append(table, row("a", "a2", 2, "x"))));
    assertThat(deletesOf(table, first), is(1));

    // "b" and "c" replaced: the first file has no live row left.
    long append = append(table, row("b", "b2", 2, "x"), row("c", "c2", 2, "x"));
    int commitsBefore = metadataCommits(table);
    MergeKeyResolver.Outcome outcome =
        MergeKeyResolver.resolveAppends(table, KEYS, List.of(append));
    table.refresh();
    assertThat(outcome.deletedRows(), is(2L));
    assertThat("one catalog commit", metadataCommits(table), is(commitsBefore + 1));
    assertThat(liveDataFiles(table).contains(first), is(false));
    assertThat("its delete file went with it", deletesOf(table, first), is(0));
    assertThat(deleteFileCount(table), is(0));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b2", "c", "c2")));
    // The append's snapshot still lists the file: only the resolution removed it.
    assertThat(liveDataFiles(table, append).contains(first), is(true));
  }

  private static String onlyDataFile(Table table) {
    List<String> files = liveDataFiles(table);
    assertThat(files.size(), is(1));
    return files.get(0);
  }

  private static List<String> liveDataFiles(Table table) {
    return liveDataFiles(table, table.currentSnapshot().snapshotId());
  }

  private static List<String> liveDataFiles(Table table, long snapshotId) {
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshotId).planFiles()) {
      List<String> files = new java.util.ArrayList<>();
      tasks.forEach(t -> files.add(t.file().location()));
      return files;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Delete files in the current snapshot that apply to {@code dataFile}. */
  private static int deletesOf(Table table, String dataFile) {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      int n = 0;
      for (FileScanTask t : tasks) {
        if (t.file().location().equals(dataFile)) {
          n += t.deletes().size();
        }
      }
      return n;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int deleteFileCount(Table table) {
    String total =
        table
            .currentSnapshot()
            .summary()
            .get(org.apache.iceberg.SnapshotSummary.TOTAL_DELETE_FILES_PROP);
    return Integer.parseInt(total);
  }

  private static int metadataCommits(Table table) {
    return ((org.apache.iceberg.HasTableOperations) table)
        .operations()
        .current()
        .previousFiles()
        .size();
  }

  @Test
  void aConflictingCommitBetweenPlanAndCommitIsDetectedAndRecomputed() {
    TestLake lake = new TestLake(dir);
    Table table = lake.create("t", 2, false);
    long s1 = append(table, row("a", "a1", 10, "x"), row("b", "b1", 10, "x"));
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(s1));
    long s2 = append(table, row("a", "a2", 20, "x"));
    ResolutionPlan plan = ResolutionPlan.forAppends(table, KEYS, List.of(s2));
    Map<String, long[]> deletes =
        MergeKeyResolver.deletions(table, KEYS, plan).deletes().positionsByFile();

    // Another writer (its own Table instance) lands a newer "a" and "b" between our plan and our
    // commit.
    Table other = lake.load("t");
    append(other, row("a", "a3", 30, "x"), row("b", "b3", 30, "x"));

    assertThrows(
        ValidationException.class,
        () -> DeleteCommitter.commit(table, plan.baseSnapshotId(), deletes));
    MergeKeyResolver.resolveAfterConflict(table, KEYS, List.of(s2), plan.baseSnapshotId());
    assertThat(live(table), is(Map.of("a", "a3", "b", "b3")));
  }

  @Test
  void deduplicateLeavesOneRowPerKeyInAWholeTable() {
    Table table = new TestLake(dir).create("t", 2, true);
    append(table, row("a", "a1", 1, "x"), row("b", "b1", 1, "y"));
    append(table, row("a", "a2", 2, "y"), row("b", "b0", 0, "x"), row("c", "c1", 1, "x"));
    append(table, row("a", "a3", 3, "x"), row("a", "a0", 0, "y"));
    assertThat(liveCount(table), is(7L));
    MergeKeyResolver.Outcome outcome = MergeKeyResolver.deduplicate(table, KEYS);
    assertThat(outcome.deletedRows(), is(4L));
    assertThat(live(table), is(Map.of("a", "a3", "b", "b1", "c", "c1")));
    assertThat(MergeKeyResolver.deduplicate(table, KEYS).deletedRows(), is(0L));
  }

  @Test
  void onlyKeysThatMayHaveTwoLiveRowsAreReadInFull() {
    Table table = new TestLake(dir).create("t", 2, true);
    Record[] fresh = new Record[500];
    for (int i = 0; i < fresh.length; i++) {
      fresh[i] = row("k" + i, "v", 1, i % 2 == 0 ? "x" : "y");
    }
    long s1 = append(table, fresh);
    assertThat(
        MergeKeyResolver.contested(
            table,
            KEYS,
            ResolutionPlan.forAppends(table, KEYS, List.of(s1)),
            new KeyScanner(table, KEYS)),
        is(Map.of()));
    assertThat(MergeKeyResolver.resolveAppends(table, KEYS, List.of(s1)).deletedRows(), is(0L));

    // k7 rewrites an old key, n2 comes twice in the batch, n1 and n3 are new.
    long s2 =
        append(
            table,
            row("k7", "k7 again", 2, "y"),
            row("n1", "v", 2, "x"),
            row("n2", "first", 2, "x"),
            row("n2", "second", 3, "y"),
            row("n3", "v", 2, "y"));
    Map<String, List<KeyedRow>> contested =
        MergeKeyResolver.contested(
            table,
            KEYS,
            ResolutionPlan.forAppends(table, KEYS, List.of(s2)),
            new KeyScanner(table, KEYS));
    assertThat(contested.keySet(), is(Set.of("k7", "n2")));
    assertThat(contested.get("k7").size(), is(2));
    assertThat(contested.get("n2").size(), is(2));

    assertThat(MergeKeyResolver.resolveAppends(table, KEYS, List.of(s2)).deletedRows(), is(2L));
    Map<String, String> live = live(table);
    assertThat(live.size(), is(503));
    assertThat(live.get("k7"), is("k7 again"));
    assertThat(live.get("n2"), is("second"));
  }

  @Test
  void namesAMissingKeyOrABadOrderColumn() {
    Table table = new TestLake(dir).create("t", 2, false);
    append(table, row("a", "a1", 1, "x"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MergeKeyResolver.deduplicate(table, new MergeKeys(List.of("nope"), "value")));
    assertThat(
        e.getMessage(),
        is(
            "table test.db.t: merge-key column 'nope' is not in the table; order column 'value'"
                + " is string; use a long, int, date or timestamp"));
  }
}
