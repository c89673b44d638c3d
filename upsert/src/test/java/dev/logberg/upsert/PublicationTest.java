package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.liveCount;
import static dev.logberg.upsert.TestLake.publish;
import static dev.logberg.upsert.TestLake.row;
import static dev.logberg.upsert.TestLake.writeFiles;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.logberg.upsert.Publication.Validation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Publications: idempotent, and exclusive when validated from the caller's snapshot. */
class PublicationTest {
  private static final MergeKeys KEYS = MergeKeys.of("id").orderedBy("ts");

  @TempDir Path dir;

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void publishingTheSameFilesTwiceCommitsThemOnce(int version) {
    Table table = new TestLake(dir).create("t", version, false);
    publish(table, KEYS, row("a", "a1", 1, "x"));
    List<DataFile> files = writeFiles(table, row("a", "a2", 2, "x"), row("b", "b1", 2, "x"));

    MergeKeyResolver.Outcome first = Publication.publish(table, KEYS, files, Validation.RETRY);
    int snapshots = snapshots(table);
    MergeKeyResolver.Outcome again = Publication.publish(table, KEYS, files, Validation.RETRY);

    assertThat(again.snapshotId(), is(first.snapshotId()));
    assertThat(again.attempts(), is(0));
    assertThat(again.addedRows(), is(2L));
    assertThat(again.deletedRows(), is(1L));
    assertThat(snapshots(table), is(snapshots));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b1")));
    assertThat(liveCount(table), is(2L));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aStagedPlanResolvedTwiceOrPlannedAgainAfterItsCommitPublishesOnce(int version) {
    TestLake lake = new TestLake(dir);
    Table target = lake.create("t", version, true);
    publish(target, KEYS, row("a", "a1", 1, "x"), row("b", "b1", 1, "y"));
    Table staging = lake.staging("t", "r1");
    append(staging, row("a", "a2", 2, "x"), row("c", "c1", 2, "y"));
    ResolutionPlan plan = ResolutionPlan.forStaging(target, staging, KEYS);
    DeletePlan deletes = MergeKeyResolver.deletions(target, KEYS, plan).deletes();

    MergeKeyResolver.Outcome first = MergeKeyResolver.resolvePlan(target, KEYS, plan);
    int snapshots = snapshots(target);
    // A retried bundle of either path, and a bundle that plans again after the commit.
    assertThat(
        MergeKeyResolver.resolvePlan(target, KEYS, plan).snapshotId(), is(first.snapshotId()));
    assertThat(
        MergeKeyResolver.commitOrRecompute(target, KEYS, plan, deletes).snapshotId(),
        is(first.snapshotId()));
    ResolutionPlan again = ResolutionPlan.forStaging(target, staging, KEYS);
    assertThat(again.publication(), is(plan.publication()));
    assertThat(
        MergeKeyResolver.resolvePlan(target, KEYS, again).snapshotId(), is(first.snapshotId()));

    assertThat(snapshots(target), is(snapshots));
    assertThat(live(target), is(Map.of("a", "a2", "b", "b1", "c", "c1")));
    assertThat(liveCount(target), is(3L));
    long publications = 0;
    for (Snapshot snapshot : target.snapshots()) {
      if (plan.publication().equals(snapshot.summary().get(Publication.PROPERTY))) {
        publications++;
      }
    }
    assertThat(publications, is(1L));
  }

  @Test
  void validatedPublicationsOfTheSameKeysFromOneSnapshotLetOnlyTheFirstCommit() {
    TestLake lake = new TestLake(dir);
    Table table = lake.create("t", 2, false);
    publish(table, KEYS, row("a", "a1", 1, "x"));
    long decidedAt = table.currentSnapshot().snapshotId();
    Table other = lake.load("t");
    List<DataFile> ours = writeFiles(table, row("b", "ours", 2, "x"), row("c", "ours", 2, "x"));
    List<DataFile> theirs =
        writeFiles(other, row("c", "theirs", 3, "x"), row("d", "theirs", 3, "x"));

    Publication.publish(table, KEYS, ours, Validation.validated(decidedAt, keys("b", "c")));
    ValidationException lost =
        assertThrows(
            ValidationException.class,
            () ->
                Publication.publish(
                    other, KEYS, theirs, Validation.validated(decidedAt, keys("c", "d"))));
    assertThat(lost.getMessage(), containsString("conflicting files"));
    assertThat(live(table), is(Map.of("a", "a1", "b", "ours", "c", "ours")));
  }

  @Test
  void validatedPublicationsOfOtherKeysFromOneSnapshotBothCommit() {
    TestLake lake = new TestLake(dir);
    Table table = lake.create("t", 2, false);
    publish(table, KEYS, row("a", "a1", 1, "x"));
    long decidedAt = table.currentSnapshot().snapshotId();
    Table other = lake.load("t");
    List<DataFile> ours = writeFiles(table, row("b", "ours", 2, "x"));
    List<DataFile> theirs = writeFiles(other, row("c", "theirs", 3, "x"));

    Publication.publish(table, KEYS, ours, Validation.validated(decidedAt, keys("b")));
    MergeKeyResolver.Outcome second =
        Publication.publish(other, KEYS, theirs, Validation.validated(decidedAt, keys("c")));
    assertThat(second.attempts(), is(1));
    assertThat(live(table), is(Map.of("a", "a1", "b", "ours", "c", "theirs")));
  }

  /**
   * Position deletes carry no key statistics, so a conflict filter on keys cannot tell them apart:
   * a publication that deleted rows conflicts with every later one validated from before it, even
   * for other keys. The loser decides again at the new snapshot and commits.
   */
  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aValidatedPublicationConflictsWithDeletesOfOtherKeysAndSucceedsWhenDecidedAgain(
      int version) {
    TestLake lake = new TestLake(dir);
    Table table = lake.create("t", version, false);
    publish(table, KEYS, row("a", "a1", 1, "x"));
    publish(table, KEYS, row("b", "b1", 1, "x"));
    long decidedAt = table.currentSnapshot().snapshotId();
    Table other = lake.load("t");
    List<DataFile> theirs = writeFiles(other, row("b", "theirs", 3, "x"));

    Publication.publish(
        table,
        KEYS,
        writeFiles(table, row("a", "ours", 2, "x")),
        Validation.validated(decidedAt, keys("a")));
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () ->
                Publication.publish(
                    other, KEYS, theirs, Validation.validated(decidedAt, keys("b"))));
    assertThat(e.getMessage(), containsString("conflicting delete files"));

    other.refresh();
    long decidedAgain = other.currentSnapshot().snapshotId();
    Publication.publish(other, KEYS, theirs, Validation.validated(decidedAgain, keys("b")));
    assertThat(live(table), is(Map.of("a", "ours", "b", "theirs")));
  }

  @Test
  void aValidatedPublicationOnATableWithoutSnapshotsConflictsWithAnyFirstCommitOfItsKeys() {
    TestLake lake = new TestLake(dir);
    Table table = lake.create("t", 2, false);
    Table other = lake.load("t");
    List<DataFile> theirs = writeFiles(other, row("a", "theirs", 3, "x"));
    Publication.publish(
        table,
        KEYS,
        writeFiles(table, row("a", "ours", 2, "x")),
        Validation.validated(-1L, keys("a")));
    assertThrows(
        ValidationException.class,
        () -> Publication.publish(other, KEYS, theirs, Validation.validated(-1L, keys("a"))));
    assertThat(live(table), is(Map.of("a", "ours")));
  }

  @Test
  void recordFilesWriteOnePartitionsRecords() {
    Table table = new TestLake(dir).create("t", 2, true);
    DataFile file =
        RecordFiles.write(table, List.of(row("a", "a1", 1, "x"), row("b", "b1", 1, "x")));
    assertThat(file.recordCount(), is(2L));
    assertThat(file.location(), containsString("/data/part=x/"));
    Publication.publish(table, KEYS, List.of(file), Validation.RETRY);
    assertThat(live(table), is(Map.of("a", "a1", "b", "b1")));

    IllegalArgumentException spanning =
        assertThrows(
            IllegalArgumentException.class,
            () -> RecordFiles.write(table, List.of(row("a", "a", 1, "x"), row("b", "b", 1, "y"))));
    assertThat(spanning.getMessage(), containsString("span partitions (part=x, part=y)"));
    assertThrows(IllegalArgumentException.class, () -> RecordFiles.write(table, List.of()));
  }

  private static Expression keys(String... ids) {
    return Expressions.in("id", (Object[]) ids);
  }

  private static int snapshots(Table table) {
    table.refresh();
    int n = 0;
    for (Snapshot ignored : table.snapshots()) {
      n++;
    }
    return n;
  }
}
