package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.row;
import static dev.logberg.upsert.UpkeepTables.DAYS;
import static dev.logberg.upsert.UpkeepTables.DAY_SECONDS;
import static dev.logberg.upsert.UpkeepTables.MANIFESTS_ONLY;
import static dev.logberg.upsert.UpkeepTables.landedInOneCommit;
import static dev.logberg.upsert.UpkeepTables.liveDataManifests;
import static dev.logberg.upsert.UpkeepTables.planDay;
import static dev.logberg.upsert.UpkeepTables.records;
import static dev.logberg.upsert.UpkeepTables.value;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.metrics.ScanReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Manifest clustering on its own ({@link ManifestClustering}) on a real sqlite JDBC catalog. */
class ManifestClusteringTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void manifestsOfATableLandedInOneCommitAreClusteredByPartition(int version) {
    Table table = landedInOneCommit(dir, version);
    List<String> rows = records(table);
    assertThat(liveDataManifests(table).size(), is(1));
    ScanReport before = planDay(table, 0);
    assertThat(value(before.scanMetrics().scannedDataManifests()), is(1L));
    assertThat(value(before.scanMetrics().skippedDataManifests()), is(0L));

    ManifestClustering.Result report = new ManifestClustering(MANIFESTS_ONLY, null).run(table);

    assertThat(report.toString(), report.manifestsRewritten(), is(1));
    assertThat(report.toString(), report.manifestsCreated(), is(DAYS));
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
    ManifestClustering.Result again = new ManifestClustering(MANIFESTS_ONLY, null).run(table);
    assertThat(again.manifestsRewritten(), is(0));
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId(), is(current.snapshotId()));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void anAppendCommittedBeforeTheRewriteCommitsStaysLive(int version) {
    Table table = landedInOneCommit(dir, version);
    List<String> rows = new ArrayList<>(records(table));
    // A run appends rows of day 2 and of a new day while the rewrite is prepared: Iceberg retries
    // the transaction on the new snapshot, keeping the run's manifest.
    ManifestClustering upkeep =
        new ManifestClustering(
            MANIFESTS_ONLY,
            t ->
                append(
                    t,
                    row("c2", "c", 2 * DAY_SECONDS + 30, "x"),
                    row("c9", "c", 9 * DAY_SECONDS + 30, "x")));

    ManifestClustering.Result report = upkeep.run(table);

    assertThat(report.toString(), report.manifestsRewritten(), is(1));
    assertThat(report.conflicts(), is(0));
    Map<String, String> live = live(table);
    assertThat(live.get("c2"), is("c"));
    assertThat(live.get("c9"), is("c"));
    assertThat(live.size(), is(2 * DAYS + 2));
    List<String> after = records(table);
    assertThat(after.containsAll(rows), is(true));
    assertThat(
        new ManifestClustering(MANIFESTS_ONLY, null).run(table).manifestsRewritten(),
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
    ManifestClustering upkeep =
        new ManifestClustering(
            MANIFESTS_ONLY, t -> t.newDelete().deleteFile(empty.location()).commit());

    ManifestClustering.Result report = upkeep.run(table);

    assertThat(report.toString(), report.conflicts(), is(1));
    assertThat(report.skipped(), is(false));
    assertThat(report.manifestsRewritten(), greaterThan(0));
    assertThat(records(table), is(rows));
    table.refresh();
    assertThat(table.currentSnapshot().addedDataFiles(table.io()).iterator().hasNext(), is(true));
    assertThat(new ManifestClustering(MANIFESTS_ONLY, null).run(table).manifestsRewritten(), is(0));
  }
}
