package dev.logberg.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.logberg.upsert.CatalogSpec;
import java.nio.file.Path;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limit lands the checked-in tree as the pipeline does: its manifest's counts
 * (testdata/expected), and a table that Iceberg reads back with the same number of rows.
 */
class LimitIngestTest {
  @TempDir Path dir;

  @Test
  void landsTheCheckedInTreeWithTheManifestCounts() throws Exception {
    LimitIngest.Tally tally =
        LimitIngest.ingest("../testdata/spark-application-logs/spark-team-a", dir, 2);

    assertThat(tally.files, is(18L));
    assertThat(tally.lines, is(4_341L));
    assertThat(tally.rows, is(4_311L));
    assertThat(tally.rejected(), is(23L));
    assertThat(tally.blank, is(7L));
    long read =
        CatalogSpec.sqlite(LimitIngest.CATALOG, dir)
            .apply(
                catalog -> {
                  Table table = catalog.loadTable(LimitIngest.TABLES.dataTable());
                  long n = 0;
                  try (CloseableIterable<Record> rows =
                      IcebergGenerics.read(table).select("event_id").build()) {
                    for (Record ignored : rows) {
                      n++;
                    }
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                  return n;
                });
    assertThat(read, is(4_311L));
  }
}
