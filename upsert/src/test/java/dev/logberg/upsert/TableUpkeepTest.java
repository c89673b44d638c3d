package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.row;
import static dev.logberg.upsert.UpkeepTables.files;
import static dev.logberg.upsert.UpkeepTables.landedInOneCommit;
import static dev.logberg.upsert.UpkeepTables.liveDataManifests;
import static dev.logberg.upsert.UpkeepTables.planDay;
import static dev.logberg.upsert.UpkeepTables.records;
import static dev.logberg.upsert.UpkeepTables.value;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front door: the steps in their order on one table, the report's line, and when upkeep after a
 * run is due. Each step is tested on its own in CompactionTest, ManifestClusteringTest,
 * SnapshotExpiryTest and OrphanFilesTest.
 */
class TableUpkeepTest {
  @TempDir Path dir;

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

  @Test
  void everyStepRunsAndTheReportLineSaysWhatEachDid() throws IOException {
    Table table = landedInOneCommit(dir, 2);
    List<String> rows = records(table);
    Path orphan =
        Files.writeString(Path.of(table.location()).resolve("data").resolve("orphan.parquet"), "-");
    long inTenDays = System.currentTimeMillis() + Duration.ofDays(10).toMillis();
    TableUpkeep.Options options =
        TableUpkeep.Options.defaults().withSnapshotRetention(Duration.ofDays(7), 1);

    TableUpkeep.Report report = new TableUpkeep(options, () -> inTenDays).run(table);

    // Compaction rewrites the last day (two small files and the manifest step's empty file) into
    // one. Of the four snapshots (the landing's, the manifest rewrite's and its empty file's,
    // compaction's) all but the last expire ten days on. Orphans: the file written beside the
    // table and the three that compaction replaced (expiry deletes what expired snapshots alone
    // removed; these the current snapshot removed).
    assertThat(
        report.line(),
        is(
            table.name()
                + ": compacted 1 partitions (0 conflicts retried, 0 partitions skipped): 3 data files"
                + " rewritten into 1, 0 delete files removed (0 equality); 1 data manifests clustered"
                + " by partition into 6; 3 snapshots expired; 4 orphan files removed"));
    assertThat(Files.exists(orphan), is(false));
    assertThat(records(table), is(rows));
  }

  @Test
  void upkeepIsDueWithManySmallFilesOrSnapshotsToExpire() {
    Table table = landedInOneCommit(dir, 2);
    long now = System.currentTimeMillis();
    TableUpkeep keepTwo =
        new TableUpkeep(
            TableUpkeep.Options.defaults().withSnapshotRetention(Duration.ofDays(7), 2),
            () -> now + Duration.ofDays(8).toMillis());
    assertThat("one snapshot, six small files", keepTwo.isDue(table), is(false));
    for (int i = 0; i < 2; i++) {
      append(table, row("s" + i, "s", i, "x"));
    }
    assertThat("a third snapshot is older than the window", keepTwo.isDue(table), is(true));

    TableUpkeep young = new TableUpkeep(TableUpkeep.Options.defaults(), () -> now);
    assertThat("eight small files", young.isDue(table), is(false));
    for (int i = 2; i < TableUpkeep.DUE_SMALL_FILES - 6; i++) {
      append(table, row("s" + i, "s", i, "x"));
    }
    assertThat("twenty small files", young.isDue(table), is(true));
  }
}
