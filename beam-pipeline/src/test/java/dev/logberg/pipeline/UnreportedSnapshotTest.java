package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import dev.logberg.pipeline.tables.FilesTable;
import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beam's io-iceberg 2.67 reports no snapshot for a retried commit whose files were already
 * committed. A run whose writes report none still publishes what they staged before it records any
 * file as landed: a file is never recorded while its rows sit unpublished in the staging table.
 */
class UnreportedSnapshotTest {
  /** upsert's test seam (ResolveMergeKeys): the writes' snapshots are dropped. */
  private static final String UNREPORTED_SNAPSHOTS = "logberg.test.unreportedSnapshots";

  @Test
  void whatAWriteStagedIsPublishedBeforeItsFilesAreRecorded(@TempDir Path dir) {
    Lakehouse lake = new Lakehouse(dir, EndToEndTest.TREE.toString());
    Lakehouse.Run run;
    System.setProperty(UNREPORTED_SNAPSHOTS, "true");
    try {
      run = lake.run();
    } finally {
      System.clearProperty(UNREPORTED_SNAPSHOTS);
    }

    assertThat(run.output(), run.exitCode(), is(Main.OK));
    List<Record> files = lake.rows(lake.tables.filesTable());
    long landedRows = sum(files, FilesTable.ROWS);
    long landedRejects = sum(files, FilesTable.REJECTS);
    assertThat(landedRows, greaterThan(0L));
    assertThat(
        "the rows of every landed file are published",
        (long) lake.rows(lake.tables.dataTable()).size(),
        is(landedRows));
    assertThat(
        "the rejects of every landed file are published",
        (long) lake.rows(lake.tables.rejectsTable()).size(),
        is(landedRejects));
    assertThat(
        lake.rows(lake.tables.metadataTable()).stream()
            .allMatch(r -> "SUCCESS".equals(r.getField(ProcessingMetadataTable.STATUS))),
        is(true));
  }

  private static long sum(List<Record> rows, String column) {
    return rows.stream().mapToLong(r -> (Long) r.getField(column)).sum();
  }
}
