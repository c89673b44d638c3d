package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.liveAt;
import static dev.logberg.upsert.TestLake.liveCount;
import static dev.logberg.upsert.TestLake.publish;
import static dev.logberg.upsert.TestLake.row;
import static dev.logberg.upsert.TestLake.writeFiles;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.ContentFileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The resolver on a real sqlite JDBC catalog, read back with Iceberg's generic reader: new files
 * published with their keys resolved ({@link Publication}), appends resolved afterwards, whole
 * tables deduplicated.
 */
class MergeKeyResolverTest {
  private static final MergeKeys KEYS = MergeKeys.of("id").orderedBy("ts");

  @TempDir Path dir;

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void duplicatesWithinOneBatchKeepTheHighestOrder(int version) {
    Table table = new TestLake(dir).create("t", version, false);
    MergeKeyResolver.Outcome outcome =
        publish(
            table,
            KEYS,
            row("a", "old", 10, "x"),
            row("a", "new", 20, "x"),
            row("b", "only", 5, "x"));
    assertThat(outcome.deletedRows(), is(1L));
    assertThat(outcome.addedRows(), is(2L));
    assertThat(live(table), is(Map.of("a", "new", "b", "only")));
    assertThat("one commit", table.currentSnapshot().parentId() == null, is(true));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aLaterBatchReplacesRowsAcrossBatchesAndPartitions(int version) {
    Table table = new TestLake(dir).create("t", version, true);
    publish(table, KEYS, row("a", "a1", 10, "x"), row("b", "b1", 10, "y"), row("c", "c1", 10, "x"));
    // "a" moves from partition x to y; "b" stays in y.
    publish(table, KEYS, row("a", "a2", 20, "y"), row("b", "b2", 20, "y"));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b2", "c", "c1")));
    publish(table, KEYS, row("a", "a3", 30, "x"), row("c", "c3", 30, "y"));
    assertThat(live(table), is(Map.of("a", "a3", "b", "b2", "c", "c3")));
  }

  @Test
  void theOrderColumnBeatsArrivalOrder() {
    Table table = new TestLake(dir).create("t", 2, false);
    publish(table, KEYS, row("a", "newer", 50, "x"));
    long before = table.currentSnapshot().snapshotId();
    MergeKeyResolver.Outcome late = publish(table, KEYS, row("a", "older but later", 40, "x"));
    assertThat(live(table), is(Map.of("a", "newer")));
    // Its only row lost: the new file is not added, and nothing else changed.
    assertThat(late.snapshotId(), is(-1L));
    assertThat(late.addedRows(), is(0L));
    assertThat(late.deletedRows(), is(1L));
    assertThat(table.currentSnapshot().snapshotId(), is(before));
  }

  @Test
  void withoutAnOrderColumnTheLaterCommitWins() {
    Table table = new TestLake(dir).create("t", 2, false);
    MergeKeys keys = MergeKeys.of("id");
    publish(table, keys, row("a", "first", 50, "x"));
    publish(table, keys, row("a", "second", 40, "x"));
    assertThat(live(table), is(Map.of("a", "second")));
  }

  @Test
  void aNewFileWithSomeLosingRowsIsAddedWithItsOwnDeletes() {
    Table table = new TestLake(dir).create("t", 2, false);
    publish(table, KEYS, row("a", "a1", 50, "x"));
    MergeKeyResolver.Outcome outcome =
        publish(table, KEYS, row("a", "a0", 40, "x"), row("b", "b1", 40, "x"));
    assertThat(outcome.addedRows(), is(1L));
    assertThat(outcome.deletedRows(), is(1L));
    assertThat(live(table), is(Map.of("a", "a1", "b", "b1")));
    assertThat(liveDataFiles(table).size(), is(2));
    assertThat(deleteFileCount(table), is(1));
  }

  @Test
  void deletionVectorsAreMergedSoEachDataFileHasOne() {
    Table table = new TestLake(dir).create("t", 3, false);
    publish(table, KEYS, row("a", "a1", 1, "x"), row("b", "b1", 1, "x"), row("c", "c1", 1, "x"));
    publish(table, KEYS, row("a", "a2", 2, "x"));
    publish(table, KEYS, row("b", "b2", 2, "x"));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b2", "c", "c1")));
    table.refresh();
    for (FileScanTask task : tasks(table)) {
      assertThat(task.file().location(), task.deletes().size() <= 1, is(true));
      task.deletes().forEach(d -> assertThat(d.content(), is(FileContent.POSITION_DELETES)));
    }
  }

  @Test
  void positionDeletesOnV2AreScopedToTheirOneDataFile() {
    Table table = new TestLake(dir).create("t", 2, true);
    publish(
        table,
        KEYS,
        row("a", "a1", 1, "x"),
        row("b", "b1", 1, "x"),
        row("c", "c1", 1, "y"),
        row("d", "d1", 1, "y"));
    publish(table, KEYS, row("a", "a2", 2, "x"), row("c", "c2", 2, "y"));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b1", "c", "c2", "d", "d1")));
    table.refresh();
    int deleteFiles = 0;
    for (FileScanTask task : tasks(table)) {
      for (DeleteFile delete : task.deletes()) {
        deleteFiles++;
        assertThat(ContentFileUtil.referencedDataFileLocation(delete), is(task.file().location()));
      }
    }
    assertThat(
        "one delete file for each of the two data files that lost a row", deleteFiles, is(2));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aDataFileWhoseEveryRowIsDeletedLeavesTheTableInThePublicationsCommit(int version) {
    Table table = new TestLake(dir).create("t", version, false);
    publish(table, KEYS, row("a", "a1", 1, "x"), row("b", "b1", 1, "x"), row("c", "c1", 1, "x"));
    String first = onlyDataFile(table);
    // "a" replaced: the first file keeps two rows, masked by a delete file of its own.
    publish(table, KEYS, row("a", "a2", 2, "x"));
    assertThat(deletesOf(table, first), is(1));
    long before = table.currentSnapshot().snapshotId();

    // "b" and "c" replaced: the first file has no live row left.
    int commitsBefore = metadataCommits(table);
    MergeKeyResolver.Outcome outcome =
        publish(table, KEYS, row("b", "b2", 2, "x"), row("c", "c2", 2, "x"));
    table.refresh();
    assertThat(outcome.deletedRows(), is(2L));
    assertThat("one catalog commit", metadataCommits(table), is(commitsBefore + 1));
    assertThat(liveDataFiles(table).contains(first), is(false));
    assertThat("its delete files went with it", deletesOf(table, first), is(0));
    assertThat(deleteFileCount(table), is(0));
    Map<String, String> expected = Map.of("a", "a2", "b", "b2", "c", "c2");
    assertThat(live(table), is(expected));
    // The commit's two snapshots (the row delta, then the removal) each hold the whole result.
    Snapshot removal = table.currentSnapshot();
    assertThat(liveAt(table, removal.parentId()), is(expected));
    assertThat(table.snapshot(removal.parentId()).parentId(), is(before));
    // The previous snapshot still lists the file: only this commit removed it.
    assertThat(liveDataFiles(table, before).contains(first), is(true));
  }

  @Test
  void aConflictingCommitBetweenPlanAndCommitIsDetectedAndRecomputed() {
    TestLake lake = new TestLake(dir);
    Table table = lake.create("t", 2, false);
    publish(table, KEYS, row("a", "a1", 10, "x"), row("b", "b1", 10, "x"));
    ResolutionPlan plan =
        ResolutionPlan.forPublication(
            table,
            KEYS,
            "test",
            writeFiles(table, row("a", "a2", 20, "x")),
            table.currentSnapshot().snapshotId());
    DeletePlan deletes = MergeKeyResolver.deletions(table, KEYS, plan).deletes();

    // Another writer (its own Table instance) publishes a newer "a" and "b" between our plan and
    // our commit.
    publish(lake.load("t"), KEYS, row("a", "a3", 30, "x"), row("b", "b3", 30, "x"));

    assertThrows(
        ValidationException.class,
        () -> ResolutionCommitter.commit(table, plan, deletes.positionsByFile(), null));
    MergeKeyResolver.Outcome outcome =
        MergeKeyResolver.commitOrRecompute(table, KEYS, plan, deletes);
    // Recomputed: "a2" now loses to "a3", so its file is not added and nothing is committed.
    assertThat(outcome.addedRows(), is(0L));
    assertThat(outcome.attempts(), is(2));
    assertThat(live(table), is(Map.of("a", "a3", "b", "b3")));
  }

  @Test
  void aConflictAfterAppendsIsRecomputedWithTheKeysCommittedMeanwhile() {
    TestLake lake = new TestLake(dir);
    Table table = lake.create("t", 2, false);
    long s1 = append(table, row("a", "a1", 10, "x"), row("b", "b1", 10, "x"));
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(s1));
    long s2 = append(table, row("a", "a2", 20, "x"));
    ResolutionPlan plan = ResolutionPlan.forAppends(table, KEYS, List.of(s2));
    DeletePlan deletes = MergeKeyResolver.deletions(table, KEYS, plan).deletes();

    // Another writer appends a newer "a" and "b" between our plan and our commit.
    append(lake.load("t"), row("a", "a3", 30, "x"), row("b", "b3", 30, "x"));

    assertThrows(
        ValidationException.class,
        () -> ResolutionCommitter.commit(table, plan, deletes.positionsByFile(), null));
    MergeKeyResolver.commitOrRecompute(table, KEYS, plan, deletes);
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
    ResolutionPlan first =
        ResolutionPlan.forPublication(table, KEYS, "first", writeFiles(table, fresh), -1L);
    assertThat(
        MergeKeyResolver.contested(table, KEYS, first, new KeyScanner(table, KEYS)), is(Map.of()));
    assertThat(MergeKeyResolver.resolvePlan(table, KEYS, first).deletedRows(), is(0L));

    // k7 rewrites an old key, n2 comes twice in the batch, n1 and n3 are new.
    ResolutionPlan second =
        ResolutionPlan.forPublication(
            table,
            KEYS,
            "second",
            writeFiles(
                table,
                row("k7", "k7 again", 2, "y"),
                row("n1", "v", 2, "x"),
                row("n2", "first", 2, "x"),
                row("n2", "second", 3, "y"),
                row("n3", "v", 2, "y")),
            table.currentSnapshot().snapshotId());
    Map<String, List<KeyedRow>> contested =
        MergeKeyResolver.contested(table, KEYS, second, new KeyScanner(table, KEYS));
    assertThat(contested.keySet(), is(Set.of("k7", "n2")));
    assertThat(contested.get("k7").size(), is(2));
    assertThat(contested.get("n2").size(), is(2));

    assertThat(MergeKeyResolver.resolvePlan(table, KEYS, second).deletedRows(), is(2L));
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

  private static List<FileScanTask> tasks(Table table) {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      List<FileScanTask> all = new ArrayList<>();
      tasks.forEach(all::add);
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
      List<String> files = new ArrayList<>();
      tasks.forEach(t -> files.add(t.file().location()));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Delete files in the current snapshot that apply to {@code dataFile}. */
  private static int deletesOf(Table table, String dataFile) {
    return tasks(table).stream()
        .filter(t -> t.file().location().equals(dataFile))
        .mapToInt(t -> t.deletes().size())
        .sum();
  }

  private static int deleteFileCount(Table table) {
    String total = table.currentSnapshot().summary().get(SnapshotSummary.TOTAL_DELETE_FILES_PROP);
    return Integer.parseInt(total);
  }

  private static int metadataCommits(Table table) {
    return ((HasTableOperations) table).operations().current().previousFiles().size();
  }
}
