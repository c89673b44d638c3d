package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import dev.logberg.pipeline.tables.SparkLogsTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.checkerframework.checker.nullness.qual.Nullable;

/** What every snapshot of a warehouse's data table holds, read by time travel. */
final class SnapshotKeys {
  private SnapshotKeys() {}

  /**
   * Each snapshot a time-travelling reader can pick has one row per key, and with {@code rows}
   * exactly that many rows: no reader ever saw part of a run's rows.
   */
  static void assertDistinct(Warehouse lake, @Nullable Long rows) {
    lake.catalog()
        .apply(
            c -> {
              Table data = c.loadTable(lake.tables().dataTable());
              List<Long> counts = new ArrayList<>();
              for (Snapshot snapshot : data.snapshots()) {
                counts.add(distinctRows(data, snapshot));
              }
              assertThat(counts.size(), greaterThan(0));
              if (rows != null) {
                assertThat("rows of each snapshot", counts, everyItem(is(rows)));
              }
              return null;
            });
  }

  private static long distinctRows(Table data, Snapshot snapshot) {
    Set<String> keys = new HashSet<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(data)
            .useSnapshot(snapshot.snapshotId())
            .select(SparkLogsTable.EVENT_ID)
            .build()) {
      for (Record r : records) {
        assertThat(
            "snapshot " + snapshot.snapshotId() + " repeats a key",
            keys.add((String) r.getField(SparkLogsTable.EVENT_ID)),
            is(true));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return keys.size();
  }
}
